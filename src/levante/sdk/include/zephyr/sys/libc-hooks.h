/* The C library's memory for user mode: its partition (its globals, malloc's arena and
 * stdout's state), which every user thread's domain needs to use the C library. */
#ifndef ZEPHYR_SYS_LIBC_HOOKS_H
#define ZEPHYR_SYS_LIBC_HOOKS_H

#include <zephyr/kernel.h>

#ifdef CONFIG_USERSPACE
/* Levante's runtime defines it (levante.abi USERSPACE_SYMBOLS); the default memory
 * domain has it from boot. */
extern struct k_mem_partition z_libc_partition;
#endif

#endif
