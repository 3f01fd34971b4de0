/* The system clock's ticks and timepoints (Zephyr's <zephyr/sys_clock.h>).  Timeouts
 * themselves (k_timeout_t, K_MSEC, ...) are in <zephyr/kernel.h>, which includes this. */
#ifndef ZEPHYR_SYS_CLOCK_H
#define ZEPHYR_SYS_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <zephyr/kernel.h>

/* A timeout may end up to one tick later than asked for: one that starts between two
 * ticks is counted from the next one. */
#define _TICK_ALIGN 1

/* Ticks since boot (the kernel's count, as k_uptime_ticks()). */
static inline int64_t sys_clock_tick_get(void)
{
	return k_uptime_ticks();
}

static inline uint32_t sys_clock_tick_get_32(void)
{
	return (uint32_t)k_uptime_ticks();
}

/* An instant on the tick clock: K_NO_WAIT's is 0, K_FOREVER's the largest tick. */
typedef struct {
	uint64_t tick;
} k_timepoint_t;

/* The instant `timeout` ends, counted from now; a relative timeout ends at least one
 * tick from now. */
static inline k_timepoint_t sys_timepoint_calc(k_timeout_t timeout)
{
	k_timepoint_t timepoint;

	if (K_TIMEOUT_EQ(timeout, K_FOREVER)) {
		timepoint.tick = UINT64_MAX;
	} else if (K_TIMEOUT_EQ(timeout, K_NO_WAIT)) {
		timepoint.tick = 0;
	} else if (!Z_IS_TIMEOUT_RELATIVE(timeout)) {
		timepoint.tick = (uint64_t)(K_TICK_ABS(timeout.ticks));
	} else {
		k_ticks_t delay = timeout.ticks > 1 ? timeout.ticks : 1;

		timepoint.tick = (uint64_t)sys_clock_tick_get() + (uint64_t)delay;
	}
	return timepoint;
}

/* The timeout left until `timepoint`: K_NO_WAIT once it has passed. */
static inline k_timeout_t sys_timepoint_timeout(k_timepoint_t timepoint)
{
	uint64_t now;

	if (timepoint.tick == UINT64_MAX) {
		return K_FOREVER;
	}
	if (timepoint.tick == 0) {
		return K_NO_WAIT;
	}
	now = (uint64_t)sys_clock_tick_get();
	return timepoint.tick > now ? Z_TIMEOUT_TICKS((k_ticks_t)(timepoint.tick - now))
				    : K_NO_WAIT;
}

static inline bool sys_timepoint_expired(k_timepoint_t timepoint)
{
	return K_TIMEOUT_EQ(sys_timepoint_timeout(timepoint), K_NO_WAIT);
}

/* Negative, zero or positive as `a` is before, at or after `b`. */
static inline int sys_timepoint_cmp(k_timepoint_t a, k_timepoint_t b)
{
	return a.tick == b.tick ? 0 : (a.tick < b.tick ? -1 : 1);
}

#endif
