/* Zephyr's kernel-internal declarations, for tests that include them (the kernel's
 * include folder is on their path): the main thread's struct k_thread. */
#ifndef LEVANTE_KERNEL_INCLUDE_KERNEL_INTERNAL_H
#define LEVANTE_KERNEL_INCLUDE_KERNEL_INTERNAL_H

#include <zephyr/kernel.h>
#include <zephyr/kernel_structs.h> /* _current */

/* The main thread (the runtime's entry.c defines it; kernel memory). */
extern struct k_thread z_main_thread;

#endif
