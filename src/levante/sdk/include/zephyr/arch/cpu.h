/* The CPU as Zephyr's architecture layer describes it to applications. */
#ifndef ZEPHYR_ARCH_CPU_H
#define ZEPHYR_ARCH_CPU_H

#include <cmsis_core.h>

/* Levante's boards have one CPU (CONFIG_MP_MAX_NUM_CPUS is 1). */
static inline unsigned int arch_num_cpus(void)
{
	return CONFIG_MP_MAX_NUM_CPUS;
}

/* The 1-based position of the most (least) significant set bit of `op`; 0 when none is
 * set (Zephyr's find_msb_set and find_lsb_set). */
static inline unsigned int find_msb_set(uint32_t op)
{
	return op == 0U ? 0U : 32U - (unsigned int)__builtin_clz(op);
}

static inline unsigned int find_lsb_set(uint32_t op)
{
	return (unsigned int)__builtin_ffs((int)op);
}

/* Whether an irq_lock() key says interrupts were unlocked before that call (Levante's
 * kernel gives 0 then, as BASEPRI would read on the hardware). */
static inline int arch_irq_unlocked(unsigned int key)
{
	return key == 0U;
}

#endif
