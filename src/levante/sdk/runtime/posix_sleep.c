/* CONFIG_POSIX_API's sleep() and usleep(), as Zephyr's POSIX layer gives them: thin
 * wrappers over the kernel's sleeps, so they take simulated time like k_sleep. */
#include <zephyr/kernel.h>

#ifdef CONFIG_POSIX_API
#include <errno.h>
#include <unistd.h>

#define MICROSECONDS_PER_SECOND 1000000UL

unsigned sleep(unsigned int seconds)
{
	/* Whole seconds left when k_wakeup cut it short, rounded down as Zephyr's. */
	return (unsigned)(k_sleep(K_SECONDS(seconds)) / 1000);
}

int usleep(unsigned long useconds)
{
	if (useconds >= MICROSECONDS_PER_SECOND) {
		errno = EINVAL;
		return -1;
	}
	if (k_usleep((int32_t)useconds) > 0) {
		errno = EINTR;
		return -1;
	}
	return 0;
}
#endif
