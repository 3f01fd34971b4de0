/* A thread's stack usage on the console (Zephyr's <zephyr/debug/stack.h>). */
#ifndef ZEPHYR_DEBUG_STACK_H
#define ZEPHYR_DEBUG_STACK_H

#include <zephyr/kernel.h>

/* Prints how much of the thread's stack was ever used, when the kernel can tell
 * (k_thread_stack_space_get needs CONFIG_INIT_STACKS); otherwise prints nothing. */
static inline void log_stack_usage(const struct k_thread *thread)
{
	size_t unused;
	size_t size = thread->stack_info.size;

	if (size == 0U || k_thread_stack_space_get(thread, &unused) != 0) {
		return;
	}
	const char *name = k_thread_name_get((k_tid_t)thread);

	printk("%p (%s):\tunused %zu\tusage %zu / %zu (%u %%)\n", (void *)thread,
	       name != NULL ? name : "unknown", unused, size - unused, size,
	       (unsigned int)(((size - unused) * 100U) / size));
}

#endif
