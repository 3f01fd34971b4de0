/* Where the calling thread's errno lives (Zephyr's z_errno()). */
#ifndef ZEPHYR_SYS_ERRNO_PRIVATE_H
#define ZEPHYR_SYS_ERRNO_PRIVATE_H

#include <errno.h>

/* The C library keeps errno per thread; this is the calling thread's. */
static inline int *z_errno(void)
{
	return &errno;
}

#endif
