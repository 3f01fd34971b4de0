/* The CPU as Zephyr's architecture layer describes it to applications. */
#ifndef ZEPHYR_ARCH_CPU_H
#define ZEPHYR_ARCH_CPU_H

#include <cmsis_core.h>

/* Levante's boards have one CPU (CONFIG_MP_MAX_NUM_CPUS is 1). */
static inline unsigned int arch_num_cpus(void)
{
	return CONFIG_MP_MAX_NUM_CPUS;
}

/* Whether an irq_lock() key says interrupts were unlocked before that call (Levante's
 * kernel gives 0 then, as BASEPRI would read on the hardware). */
static inline int arch_irq_unlocked(unsigned int key)
{
	return key == 0U;
}

#endif
