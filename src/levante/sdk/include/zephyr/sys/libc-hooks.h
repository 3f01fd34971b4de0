/* The C library's memory for user mode: its partition (its globals, malloc's arena and
 * stdout's state), which every user thread's domain needs to use the C library. */
#ifndef ZEPHYR_SYS_LIBC_HOOKS_H
#define ZEPHYR_SYS_LIBC_HOOKS_H

#include <zephyr/kernel.h>

#ifdef CONFIG_USERSPACE
/* Levante's runtime defines it (levante.abi USERSPACE_SYMBOLS); the default memory
 * domain has it from boot.  It also holds the thread pointer word of
 * CONFIG_THREAD_LOCAL_STORAGE (runtime/thread_tls.c). */
#define Z_LIBC_PARTITION_EXISTS 1
extern struct k_mem_partition z_libc_partition;
#endif

#endif
