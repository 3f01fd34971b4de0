/* The Zephyr version whose API Levante follows (the one `find_package(Zephyr)` reports). */
#ifndef ZEPHYR_VERSION_H
#define ZEPHYR_VERSION_H

#define KERNEL_VERSION_MAJOR 4
#define KERNEL_VERSION_MINOR 1
#define KERNEL_PATCHLEVEL 0
#define KERNEL_TWEAK 0
#define KERNEL_VERSION_NUMBER \
	((KERNEL_VERSION_MAJOR << 16) | (KERNEL_VERSION_MINOR << 8) | KERNEL_PATCHLEVEL)
#define KERNELVERSION ((KERNEL_VERSION_NUMBER << 8) | KERNEL_TWEAK)
#define KERNEL_VERSION_STRING "4.1.0"
#define KERNEL_VERSION_EXTENDED_STRING "4.1.0+0"
#define KERNEL_VERSION_TWEAK_STRING "4.1.0+0"
#define ZEPHYR_VERSION_CODE KERNEL_VERSION_NUMBER
#define ZEPHYR_VERSION(major, minor, patch) (((major) << 16) | ((minor) << 8) | (patch))

#endif
