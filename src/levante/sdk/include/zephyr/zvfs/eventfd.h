/* <zephyr/zvfs/eventfd.h>: event descriptors (CONFIG_ZVFS_EVENTFD).
 *
 * An eventfd is a 64-bit counter behind a descriptor of the socket layer's table: a
 * kernel object its creating thread owns (grant others zsock_get_context_object(fd)).
 * close() and poll() take it beside sockets (POLLIN: the counter is not 0; POLLOUT: it
 * can take 1 more). Each function returns -1 and sets errno on failure. */
#ifndef ZEPHYR_INCLUDE_ZEPHYR_ZVFS_EVENTFD_H_
#define ZEPHYR_INCLUDE_ZEPHYR_ZVFS_EVENTFD_H_

#include <stdint.h>

#define ZVFS_EFD_SEMAPHORE 2 /* a read takes 1, not the whole count */
#define ZVFS_EFD_NONBLOCK 0x4000 /* EAGAIN instead of waiting (O_NONBLOCK) */

typedef uint64_t zvfs_eventfd_t;

/* The kernel object behind an eventfd's slot; `fd` is the descriptor naming it. */
struct zvfs_eventfd {
	int fd;
	int reserved;
};

int zvfs_eventfd(unsigned int initval, int flags);
int zvfs_eventfd_read(int fd, zvfs_eventfd_t *value);
int zvfs_eventfd_write(int fd, zvfs_eventfd_t value);

#endif
