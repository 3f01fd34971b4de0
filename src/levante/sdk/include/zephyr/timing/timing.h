/* The timing functions (CONFIG_TIMING_FUNCTIONS): the CPU's cycle counter, 64 bits,
 * with conversions (Zephyr's <zephyr/timing/timing.h>). */
#ifndef ZEPHYR_TIMING_TIMING_H
#define ZEPHYR_TIMING_TIMING_H

#include <zephyr/kernel.h>

typedef uint64_t timing_t;

#ifdef CONFIG_TIMING_FUNCTIONS
static inline void timing_init(void)
{
}

static inline void timing_start(void)
{
}

static inline void timing_stop(void)
{
}

static inline timing_t timing_counter_get(void)
{
	return k_cycle_get_64();
}

static inline uint64_t timing_cycles_get(volatile timing_t *const start,
					 volatile timing_t *const end)
{
	return *end - *start;
}

static inline uint64_t timing_freq_get(void)
{
	return sys_clock_hw_cycles_per_sec();
}

static inline uint64_t timing_cycles_to_ns(uint64_t cycles)
{
	return cycles * 1000000000ULL / timing_freq_get();
}

static inline uint64_t timing_cycles_to_ns_avg(uint64_t cycles, uint32_t count)
{
	return timing_cycles_to_ns(cycles) / count;
}

static inline uint32_t timing_freq_get_mhz(void)
{
	return (uint32_t)(timing_freq_get() / 1000000U);
}
#endif

#endif
