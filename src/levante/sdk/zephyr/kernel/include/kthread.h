/* Zephyr's kernel-internal thread header, for tests that include it (the kernel's include
 * folder is on their path).  Every answer comes from the kernel: the state bits are read
 * from struct k_thread's `base`, which the kernel keeps equal to its own view whenever a
 * thread can look, and a change (a thread's essential flag) is a call to the kernel. */
#ifndef LEVANTE_KERNEL_INCLUDE_KTHREAD_H
#define LEVANTE_KERNEL_INCLUDE_KTHREAD_H

#include <stdbool.h>
#include <zephyr/kernel.h>
#include <zephyr/kernel_structs.h>

static inline bool z_is_thread_state_set(struct k_thread *thread, uint32_t state)
{
	return (thread->base.thread_state & state) != 0U;
}

static inline bool z_is_thread_suspended(struct k_thread *thread)
{
	return z_is_thread_state_set(thread, _THREAD_SUSPENDED);
}

static inline bool z_is_thread_pending(struct k_thread *thread)
{
	return z_is_thread_state_set(thread, _THREAD_PENDING);
}

static inline bool z_is_thread_queued(struct k_thread *thread)
{
	return z_is_thread_state_set(thread, _THREAD_QUEUED);
}

static inline bool z_has_thread_started(struct k_thread *thread)
{
	return !z_is_thread_state_set(thread, _THREAD_PRESTART);
}

static inline bool z_is_thread_prevented_from_running(struct k_thread *thread)
{
	return z_is_thread_state_set(thread, _THREAD_PENDING | _THREAD_PRESTART |
					      _THREAD_DEAD | _THREAD_DUMMY |
					      _THREAD_SUSPENDED);
}

static inline bool z_is_thread_ready(struct k_thread *thread)
{
	return !z_is_thread_prevented_from_running(thread);
}

static inline bool z_is_thread_essential(struct k_thread *thread)
{
	return (thread->base.user_options & K_ESSENTIAL) != 0U;
}

/* The kernel decides what an essential thread's fault or abort does: it is told. */
static inline void z_thread_essential_set(struct k_thread *thread)
{
	z_levante_set_essential(thread, true);
}

static inline void z_thread_essential_clear(struct k_thread *thread)
{
	z_levante_set_essential(thread, false);
}

static inline bool thread_is_preemptible(struct k_thread *thread)
{
	return thread->base.prio >= 0 && thread->base.sched_locked == 0U;
}

/* Zephyr's idle thread entry (the runtime's idle.c). */
void idle(void *unused1, void *unused2, void *unused3);

static inline bool z_is_idle_thread_entry(void *entry_point)
{
	return entry_point == (void *)idle;
}

/* Levante's idle time is the kernel's own: no struct k_thread is an idle thread. */
static inline bool z_is_idle_thread_object(struct k_thread *thread)
{
	ARG_UNUSED(thread);
	return false;
}

#endif
