/* Zephyr's kernel-internal scheduler header, for tests that include it: the priority
 * rules as macros and comparisons (pure arithmetic on Zephyr's priority numbers), and the
 * thread state queries of kthread.h.  The scheduler itself is the kernel's. */
#ifndef LEVANTE_KERNEL_INCLUDE_KSCHED_H
#define LEVANTE_KERNEL_INCLUDE_KSCHED_H

#include <stdbool.h>
#include <zephyr/kernel.h>
#include <kthread.h>

/* A priority a thread may have: an application priority, or the idle priority for a
 * thread that runs the idle entry. */
#define Z_VALID_PRIO(prio, entry_point)                                              \
	(((prio) == K_IDLE_PRIO && z_is_idle_thread_entry(entry_point)) ||           \
	 ((prio) >= K_HIGHEST_APPLICATION_THREAD_PRIO &&                             \
	  (prio) <= K_LOWEST_APPLICATION_THREAD_PRIO))

/* Lower numbers are more important. */
static inline bool z_is_prio1_higher_than_or_equal_to_prio2(int prio1, int prio2)
{
	return prio1 <= prio2;
}

static inline bool z_is_prio_higher_or_equal(int prio1, int prio2)
{
	return z_is_prio1_higher_than_or_equal_to_prio2(prio1, prio2);
}

static inline bool z_is_prio1_lower_than_or_equal_to_prio2(int prio1, int prio2)
{
	return prio1 >= prio2;
}

static inline bool z_is_prio1_higher_than_prio2(int prio1, int prio2)
{
	return prio1 < prio2;
}

static inline bool z_is_prio_higher(int prio, int test_prio)
{
	return z_is_prio1_higher_than_prio2(prio, test_prio);
}

static inline bool z_is_prio_lower_or_equal(int prio1, int prio2)
{
	return z_is_prio1_lower_than_or_equal_to_prio2(prio1, prio2);
}

static inline bool _is_valid_prio(int prio, void *entry_point)
{
	return Z_VALID_PRIO(prio, entry_point);
}

#endif
