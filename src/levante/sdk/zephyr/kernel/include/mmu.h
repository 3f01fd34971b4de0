/* Zephyr's kernel-internal MMU header, for tests that include it (the kernel's include
 * folder is on their path).  Levante's boards have an MPU and no MMU: the virtual
 * memory definitions that only exist with CONFIG_MMU do not exist here either. */
#ifndef LEVANTE_KERNEL_INCLUDE_MMU_H
#define LEVANTE_KERNEL_INCLUDE_MMU_H

#include <zephyr/kernel.h>

#endif
