/* Zephyr's thread stack macros (K_THREAD_STACK_*, K_KERNEL_STACK_*): Levante's are in
 * <zephyr/kernel.h>, which this includes. */
#ifndef ZEPHYR_KERNEL_THREAD_STACK_H
#define ZEPHYR_KERNEL_THREAD_STACK_H

#include <zephyr/kernel.h>

#endif
