/* The CPU as Zephyr's architecture layer describes it to applications. */
#ifndef ZEPHYR_ARCH_CPU_H
#define ZEPHYR_ARCH_CPU_H

/* Bits at memory addresses, as Zephyr's architecture headers bring them. */
#include <zephyr/sys/sys_io.h>
#include <zephyr/arch/common/ffs.h>
#include <cmsis_core.h>

/* Levante's boards have one CPU (CONFIG_MP_MAX_NUM_CPUS is 1). */
static inline unsigned int arch_num_cpus(void)
{
	return CONFIG_MP_MAX_NUM_CPUS;
}


#endif
