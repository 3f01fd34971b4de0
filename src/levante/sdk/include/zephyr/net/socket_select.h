/*
 * zsock_select and its descriptor sets (Zephyr's socket_select.h): sets of 64 descriptors,
 * the layout of the C library's fd_set; the runtime serves select with zsock_poll, so
 * at most CONFIG_NET_SOCKETS_POLL_MAX descriptors take part in one call.
 */
#ifndef ZEPHYR_INCLUDE_NET_SOCKET_SELECT_H_
#define ZEPHYR_INCLUDE_NET_SOCKET_SELECT_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct zsock_fd_set {
	uint32_t bitset[2];
} zsock_fd_set;

/* struct timeval's layout with the C library's 64-bit time_t. */
struct zsock_timeval {
	long long tv_sec;
	long tv_usec;
};

#define ZSOCK_FD_SETSIZE (sizeof(((zsock_fd_set *)0)->bitset) * 8)

int zsock_select(int nfds, zsock_fd_set *readfds, zsock_fd_set *writefds,
		 zsock_fd_set *exceptfds, struct zsock_timeval *timeout);
void ZSOCK_FD_ZERO(zsock_fd_set *set);
int ZSOCK_FD_ISSET(int fd, zsock_fd_set *set);
void ZSOCK_FD_CLR(int fd, zsock_fd_set *set);
void ZSOCK_FD_SET(int fd, zsock_fd_set *set);

#if defined(CONFIG_NET_SOCKETS_POSIX_NAMES) || defined(CONFIG_POSIX_API)
/* The C library's <sys/select.h> may have defined its own names already. */
#undef FD_SETSIZE
#undef FD_ZERO
#undef FD_ISSET
#undef FD_CLR
#undef FD_SET
#undef fd_set
#define fd_set zsock_fd_set
#define FD_SETSIZE ZSOCK_FD_SETSIZE
/* A struct timeval has zsock_timeval's layout. */
#define select(nfds, readfds, writefds, exceptfds, timeout) \
	zsock_select((nfds), (readfds), (writefds), (exceptfds), \
		     (struct zsock_timeval *)(void *)(timeout))
#define FD_ZERO ZSOCK_FD_ZERO
#define FD_ISSET ZSOCK_FD_ISSET
#define FD_CLR ZSOCK_FD_CLR
#define FD_SET ZSOCK_FD_SET
#endif

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_NET_SOCKET_SELECT_H_ */
