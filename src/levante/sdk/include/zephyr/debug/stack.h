/* Zephyr's stack usage report: how much of a thread's stack has never been written
 * (CONFIG_INIT_STACKS, measured by the kernel) and how much that leaves used. */
#ifndef ZEPHYR_DEBUG_STACK_H
#define ZEPHYR_DEBUG_STACK_H

#include <zephyr/kernel.h>
#include <zephyr/sys/printk.h>

static inline void log_stack_usage(const struct k_thread *thread)
{
#if defined(CONFIG_INIT_STACKS) && defined(CONFIG_THREAD_STACK_INFO)
	size_t unused;
	size_t size = thread->stack_info.size;

	if (k_thread_stack_space_get(thread, &unused) == 0) {
		size_t used = size - unused;
		const char *name = k_thread_name_get((k_tid_t)thread);

		printk("%p (%s):\tunused %zu\tusage %zu / %zu (%zu %%)\n", thread,
		       name != NULL ? name : "", unused, used, size,
		       size != 0U ? (used * 100U) / size : 0U);
	}
#else
	ARG_UNUSED(thread);
#endif
}

#endif
