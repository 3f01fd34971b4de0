/* What C code may read of the kernel's thread state (Zephyr's kernel_structs.h): the
 * state bits of struct k_thread's `base.thread_state` (defined with struct k_thread in
 * <zephyr/kernel.h>), which the kernel keeps current, and the running thread. */
#ifndef ZEPHYR_KERNEL_STRUCTS_H
#define ZEPHYR_KERNEL_STRUCTS_H

#include <zephyr/kernel.h>

/* The running thread (a system call here: the kernel knows it). */
#define _current k_current_get()
#define arch_current_thread() k_current_get()

#endif
