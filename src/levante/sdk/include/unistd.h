/* <unistd.h>: the C library's, and with CONFIG_POSIX_API the two sleeps of Zephyr's POSIX
 * layer, which the C library hides under -std=c99 (runtime/posix_sleep.c). */
#ifndef LEVANTE_UNISTD_H
#define LEVANTE_UNISTD_H

#include_next <unistd.h>

#ifdef CONFIG_POSIX_API
/* Whole seconds on k_sleep; the whole seconds left when k_wakeup ends it early. */
unsigned sleep(unsigned int seconds);
/* Under a second on k_usleep: -1 with EINVAL for a second or more, with EINTR when
 * k_wakeup ends it early; 0 otherwise. */
int usleep(unsigned long useconds);
#endif

#endif /* LEVANTE_UNISTD_H */
