/* Zephyr's kernel-internal header, for tests that include it: the threads the kernel
 * creates at boot, as C objects. */
#ifndef LEVANTE_KERNEL_INCLUDE_KERNEL_INTERNAL_H
#define LEVANTE_KERNEL_INCLUDE_KERNEL_INTERNAL_H

#include <zephyr/kernel.h>
#include <kthread.h>
#include <zephyr/kernel_structs.h> /* _current */

/* The main thread's struct k_thread, which the kernel writes like any other's. */
extern struct k_thread z_main_thread;

#endif
