/* <zephyr/posix/sys/eventfd.h>: the POSIX names of the event descriptors
 * (CONFIG_EVENTFD; <zephyr/zvfs/eventfd.h> says what they do). */
#ifndef ZEPHYR_INCLUDE_POSIX_SYS_EVENTFD_H_
#define ZEPHYR_INCLUDE_POSIX_SYS_EVENTFD_H_

#include <zephyr/zvfs/eventfd.h>

#define EFD_SEMAPHORE ZVFS_EFD_SEMAPHORE
#define EFD_NONBLOCK ZVFS_EFD_NONBLOCK

typedef zvfs_eventfd_t eventfd_t;

int eventfd(unsigned int initval, int flags);
int eventfd_read(int fd, eventfd_t *value);
int eventfd_write(int fd, eventfd_t value);

#endif
