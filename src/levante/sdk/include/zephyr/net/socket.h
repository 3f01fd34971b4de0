/*
 * BSD sockets, Zephyr's API (CONFIG_NET_SOCKETS).  A socket is a kernel object: the
 * thread that makes it may use it, another thread needs k_object_access_grant on
 * zsock_get_context_object(fd).  Each call returns -1 and sets errno on failure, as
 * Zephyr's do; the system calls underneath return -errno (generated/levante/syscalls.h).
 */
#ifndef ZEPHYR_INCLUDE_NET_SOCKET_H_
#define ZEPHYR_INCLUDE_NET_SOCKET_H_

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h> /* as Zephyr's socket.h: samples call exit() with no more */
#include <sys/time.h> /* struct timeval: SO_RCVTIMEO, SO_SNDTIMEO, select */
#include <sys/types.h>
#include <zephyr/kernel.h>
#include <zephyr/net/net_core.h>
#include <zephyr/net/net_ip.h>
#include <zephyr/net/dns_resolve.h> /* enum dns_resolve_status: the DNS_EAI_* codes */
#include <zephyr/net/socket_select.h>
#include <levante/socket_tls.h> /* SOL_TLS and its options */

#ifdef __cplusplus
extern "C" {
#endif

#define ZSOCK_POLLIN 1
#define ZSOCK_POLLPRI 2
#define ZSOCK_POLLOUT 4
#define ZSOCK_POLLERR 8
#define ZSOCK_POLLHUP 0x10
#define ZSOCK_POLLNVAL 0x20

#define ZSOCK_MSG_PEEK 0x02
#define ZSOCK_MSG_CTRUNC 0x08
#define ZSOCK_MSG_TRUNC 0x20
#define ZSOCK_MSG_DONTWAIT 0x40
#define ZSOCK_MSG_WAITALL 0x100

#define ZSOCK_SHUT_RD 0
#define ZSOCK_SHUT_WR 1
#define ZSOCK_SHUT_RDWR 2

#define SOL_SOCKET 1
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_PRIORITY 12
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define SO_BINDTODEVICE 25
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define SO_TIMESTAMPING 37
#define SO_SOCKS5 60
#define SO_TXTIME 61
/* Protocol levels' options: served by the protocol's transport (ENOPROTOOPT where it
 * has none, as UDP has none of TCP's). */
#define TCP_NODELAY 1
#define TCP_KEEPIDLE 2
#define TCP_KEEPINTVL 3
#define TCP_KEEPCNT 4
#define IP_TOS 1
#define IP_TTL 2
#define IP_PKTINFO 8
#define IP_MULTICAST_TTL 33
#define IP_ADD_MEMBERSHIP 35
#define IP_DROP_MEMBERSHIP 36
#define IPV6_UNICAST_HOPS 16
#define IPV6_MULTICAST_HOPS 18
#define IPV6_ADD_MEMBERSHIP 20
#define IPV6_DROP_MEMBERSHIP 21
#define IPV6_V6ONLY 26
#define IPV6_RECVPKTINFO 49
#define IPV6_TCLASS 67
#define IPV6_ADDR_PREFERENCES 72
#define IPV6_PREFER_SRC_TMP 0x0001
#define IPV6_PREFER_SRC_PUBLIC 0x0002
#define IPV6_PREFER_SRC_COA 0x0004
#define IPV6_PREFER_SRC_CGA 0x0008
#define IPV6_PREFER_SRC_PUBTMP_DEFAULT 0x0100
#define IPV6_PREFER_SRC_HOME 0x0400
#define IPV6_PREFER_SRC_NONCGA 0x0800

/* fcntl's commands and flag, with the C library's values. */
#ifndef F_GETFL
#define F_GETFL 3
#endif
#ifndef F_SETFL
#define F_SETFL 4
#endif
#ifndef O_NONBLOCK
#define O_NONBLOCK 0x4000
#endif

/* getaddrinfo's flags and results (Zephyr's DNS_EAI_* codes). */
#define AI_PASSIVE 0x1
#define AI_CANONNAME 0x2
#define AI_NUMERICHOST 0x4
#define AI_V4MAPPED 0x8
#define AI_ALL 0x10
#define AI_ADDRCONFIG 0x20
#define AI_NUMERICSERV 0x400
#define NI_MAXHOST 64


struct zsock_pollfd {
	int fd;
	short events;
	short revents;
};

struct zsock_addrinfo {
	struct zsock_addrinfo *ai_next;
	int ai_flags;
	int ai_family;
	int ai_socktype;
	int ai_protocol;
	socklen_t ai_addrlen;
	struct sockaddr *ai_addr;
	char *ai_canonname;
	/* The storage ai_addr points to. */
	struct sockaddr _ai_addr;
};

/* A system call's result: -errno becomes errno and -1. */
static inline int z_levante_zsock_result(int result)
{
	if (result < 0) {
		errno = -result;
		return -1;
	}
	return result;
}

static inline int zsock_socket(int family, int type, int proto)
{
	return z_levante_zsock_result(z_levante_zsock_socket(family, type, proto));
}

static inline int zsock_close(int sock)
{
	return z_levante_zsock_result(z_levante_zsock_close(sock));
}

static inline int zsock_shutdown(int sock, int how)
{
	return z_levante_zsock_result(z_levante_zsock_shutdown(sock, how));
}

static inline int zsock_bind(int sock, const struct sockaddr *addr, socklen_t addrlen)
{
	return z_levante_zsock_result(z_levante_zsock_bind(sock, addr, addrlen));
}

static inline int zsock_connect(int sock, const struct sockaddr *addr, socklen_t addrlen)
{
	return z_levante_zsock_result(z_levante_zsock_connect(sock, addr, addrlen));
}

static inline int zsock_listen(int sock, int backlog)
{
	return z_levante_zsock_result(z_levante_zsock_listen(sock, backlog));
}

static inline int zsock_accept(int sock, struct sockaddr *addr, socklen_t *addrlen)
{
	return z_levante_zsock_result(z_levante_zsock_accept(sock, addr, addrlen));
}

static inline ssize_t zsock_sendto(int sock, const void *buf, size_t len, int flags,
				   const struct sockaddr *dest_addr, socklen_t addrlen)
{
	return z_levante_zsock_result(
		z_levante_zsock_sendto(sock, buf, len, flags, dest_addr, addrlen));
}

static inline ssize_t zsock_send(int sock, const void *buf, size_t len, int flags)
{
	return zsock_sendto(sock, buf, len, flags, NULL, 0);
}

static inline ssize_t zsock_sendmsg(int sock, const struct msghdr *msg, int flags)
{
	return z_levante_zsock_result(z_levante_zsock_sendmsg(sock, msg, flags));
}

static inline int zsock_getsockopt(int sock, int level, int optname, void *optval,
				   socklen_t *optlen);

static inline ssize_t zsock_recvfrom(int sock, void *buf, size_t max_len, int flags,
				     struct sockaddr *src_addr, socklen_t *addrlen)
{
	ssize_t got = z_levante_zsock_result(
		z_levante_zsock_recvfrom(sock, buf, max_len, flags, src_addr, addrlen));
	/* MSG_WAITALL on a stream: go on until max_len bytes, the end of input, an
	 * error or a timeout (then the bytes so far), as Zephyr's recv does.  Datagram
	 * sockets, MSG_PEEK and MSG_DONTWAIT take one call. */
	if (got <= 0 || (size_t)got >= max_len || !(flags & ZSOCK_MSG_WAITALL) ||
	    (flags & (ZSOCK_MSG_PEEK | ZSOCK_MSG_DONTWAIT))) {
		return got;
	}
	int type = 0;
	socklen_t type_length = sizeof(type);

	if (zsock_getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &type_length) < 0 ||
	    type != SOCK_STREAM) {
		return got;
	}
	while ((size_t)got < max_len) {
		ssize_t more = z_levante_zsock_result(z_levante_zsock_recvfrom(
			sock, (char *)buf + got, max_len - (size_t)got,
			flags & ~ZSOCK_MSG_WAITALL, NULL, NULL));

		if (more <= 0) {
			break;
		}
		got += more;
	}
	return got;
}

static inline ssize_t zsock_recv(int sock, void *buf, size_t max_len, int flags)
{
	return zsock_recvfrom(sock, buf, max_len, flags, NULL, NULL);
}

static inline ssize_t zsock_recvmsg(int sock, struct msghdr *msg, int flags)
{
	return z_levante_zsock_result(z_levante_zsock_recvmsg(sock, msg, flags));
}

static inline int zsock_fcntl_impl(int sock, int cmd, int flags)
{
	return z_levante_zsock_result(z_levante_zsock_fcntl(sock, cmd, flags));
}

static inline int zsock_fcntl_wrapper(int sock, int cmd, ...)
{
	va_list args;
	int flags;

	va_start(args, cmd);
	flags = va_arg(args, int);
	va_end(args);
	return zsock_fcntl_impl(sock, cmd, flags);
}

#define zsock_fcntl zsock_fcntl_wrapper

static inline int zsock_poll(struct zsock_pollfd *fds, int nfds, int timeout)
{
	return z_levante_zsock_result(z_levante_zsock_poll(fds, nfds, timeout));
}

static inline int zsock_getsockopt(int sock, int level, int optname, void *optval,
				   socklen_t *optlen)
{
	return z_levante_zsock_result(
		z_levante_zsock_getsockopt(sock, level, optname, optval, optlen));
}

static inline int zsock_setsockopt(int sock, int level, int optname, const void *optval,
				   socklen_t optlen)
{
	return z_levante_zsock_result(
		z_levante_zsock_setsockopt(sock, level, optname, optval, optlen));
}

static inline int zsock_getpeername(int sock, struct sockaddr *addr, socklen_t *addrlen)
{
	return z_levante_zsock_result(z_levante_zsock_getpeername(sock, addr, addrlen));
}

static inline int zsock_getsockname(int sock, struct sockaddr *addr, socklen_t *addrlen)
{
	return z_levante_zsock_result(z_levante_zsock_getsockname(sock, addr, addrlen));
}

/* Pure C in the runtime (runtime/net_sockets.c). */
char *zsock_inet_ntop(sa_family_t family, const void *src, char *dst, size_t size);
int zsock_inet_pton(sa_family_t family, const char *src, void *dst);
int zsock_getaddrinfo(const char *host, const char *service,
		      const struct zsock_addrinfo *hints, struct zsock_addrinfo **res);
void zsock_freeaddrinfo(struct zsock_addrinfo *ai);
const char *zsock_gai_strerror(int errcode);

/*
 * Name resolution behind zsock_getaddrinfo, for a host that is no numeric address: the
 * runtime's weak definition has no resolver and answers DNS_EAI_FAIL; a resolver
 * (CONFIG_DNS_RESOLVER) defines it.  It returns 0 with *res a list zsock_freeaddrinfo
 * frees, or a DNS_EAI_* code.
 */
int z_levante_resolve_name(const char *host, uint16_t port,
			   const struct zsock_addrinfo *hints, struct zsock_addrinfo **res);

/* One getaddrinfo result (calloc'ed; zsock_freeaddrinfo frees it), for a 4- or 16-byte
 * address in network order; socktype and protocol follow the hints. */
struct zsock_addrinfo *z_levante_addrinfo_new(int family, const uint8_t *address,
					      uint16_t port,
					      const struct zsock_addrinfo *hints);

#if defined(CONFIG_NET_SOCKETS_POSIX_NAMES) || defined(CONFIG_POSIX_API)

#include <unistd.h> /* close, read, write: the C library's, which serve sockets too */

#define pollfd zsock_pollfd
#define addrinfo zsock_addrinfo
#define POLLIN ZSOCK_POLLIN
#define POLLPRI ZSOCK_POLLPRI
#define POLLOUT ZSOCK_POLLOUT
#define POLLERR ZSOCK_POLLERR
#define POLLHUP ZSOCK_POLLHUP
#define POLLNVAL ZSOCK_POLLNVAL
#define MSG_PEEK ZSOCK_MSG_PEEK
#define MSG_CTRUNC ZSOCK_MSG_CTRUNC
#define MSG_TRUNC ZSOCK_MSG_TRUNC
#define MSG_DONTWAIT ZSOCK_MSG_DONTWAIT
#define MSG_WAITALL ZSOCK_MSG_WAITALL
#define SHUT_RD ZSOCK_SHUT_RD
#define SHUT_WR ZSOCK_SHUT_WR
#define SHUT_RDWR ZSOCK_SHUT_RDWR
#define EAI_BADFLAGS DNS_EAI_BADFLAGS
#define EAI_NONAME DNS_EAI_NONAME
#define EAI_AGAIN DNS_EAI_AGAIN
#define EAI_FAIL DNS_EAI_FAIL
#define EAI_NODATA DNS_EAI_NODATA
#define EAI_FAMILY DNS_EAI_FAMILY
#define EAI_SOCKTYPE DNS_EAI_SOCKTYPE
#define EAI_SERVICE DNS_EAI_SERVICE
#define EAI_ADDRFAMILY DNS_EAI_ADDRFAMILY
#define EAI_MEMORY DNS_EAI_MEMORY
#define EAI_SYSTEM DNS_EAI_SYSTEM
#define EAI_OVERFLOW DNS_EAI_OVERFLOW

/*
 * The POSIX names are macros for the zsock_* calls.  close(), read() and write() stay
 * the C library's: its hooks (runtime/libc_glue.c) hand a socket's descriptor (3 and
 * up; 0 to 2 are the console's) to zsock_close/recv/send, as Zephyr's descriptor table
 * does.
 */
#define socket zsock_socket
#define shutdown zsock_shutdown
#define bind zsock_bind
#define connect zsock_connect
#define listen zsock_listen
#define accept zsock_accept
#define send zsock_send
#define recv zsock_recv
#define sendto zsock_sendto
#define recvfrom zsock_recvfrom
#define sendmsg zsock_sendmsg
#define recvmsg zsock_recvmsg
#define poll zsock_poll
#define getsockopt zsock_getsockopt
#define setsockopt zsock_setsockopt
#define getpeername zsock_getpeername
#define getsockname zsock_getsockname
#define getaddrinfo zsock_getaddrinfo
#define freeaddrinfo zsock_freeaddrinfo
#define gai_strerror zsock_gai_strerror
#define inet_pton zsock_inet_pton
#define inet_ntop zsock_inet_ntop
#define fcntl zsock_fcntl

#endif /* CONFIG_NET_SOCKETS_POSIX_NAMES || CONFIG_POSIX_API */

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_NET_SOCKET_H_ */
