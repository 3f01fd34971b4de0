/* Zephyr's system clock ticks (<zephyr/sys_clock.h>): the kernel's tick count since
 * boot, which k_uptime_ticks() reads. */
#ifndef ZEPHYR_SYS_CLOCK_H
#define ZEPHYR_SYS_CLOCK_H

#include <zephyr/kernel.h>

static inline int64_t sys_clock_tick_get(void)
{
	return k_uptime_ticks();
}

static inline uint32_t sys_clock_tick_get_32(void)
{
	return (uint32_t)k_uptime_ticks();
}

#endif
