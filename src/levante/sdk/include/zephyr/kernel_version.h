/* The kernel's version at run time, in KERNEL_VERSION_NUMBER's layout (<zephyr/version.h>). */
#ifndef ZEPHYR_KERNEL_VERSION_H
#define ZEPHYR_KERNEL_VERSION_H

#include <stdint.h>
#include <zephyr/version.h>

#define SYS_KERNEL_VER_MAJOR(ver) (((ver) >> 16) & 0xFF)
#define SYS_KERNEL_VER_MINOR(ver) (((ver) >> 8) & 0xFF)
#define SYS_KERNEL_VER_PATCHLEVEL(ver) ((ver) & 0xFF)

/* The version of the kernel the image runs on: the API level Levante implements. */
static inline uint32_t sys_kernel_version_get(void)
{
	return KERNEL_VERSION_NUMBER;
}

#endif
