/* Timestamps for Zephyr's benchmarks (the test suite's <zephyr/timestamp.h>): the
 * kernel's cycle counter read around a measured operation, tick synchronisation, and a
 * check that a measurement stayed within one second. */
#ifndef ZEPHYR_TIMESTAMP_H
#define ZEPHYR_TIMESTAMP_H

#include <limits.h>
#include <zephyr/kernel.h>

/* Start on a fresh tick, so that no tick falls inside a short measurement. */
#define TICK_SYNCH() k_sleep(K_TICKS(1))

#define OS_GET_TIME() k_cycle_get_32()

/* The cost of reading the counter, which the benchmark defines and measures. */
extern uint32_t tm_off;

/* Keep the compiler from moving memory accesses across a counter read. */
static inline void timestamp_serialize(void)
{
	__asm__ volatile("isb" ::: "memory");
}

/* Cycles since `ts` (a wrapped counter included), less the cost of reading it. */
static inline uint32_t TIME_STAMP_DELTA_GET(uint32_t ts)
{
	timestamp_serialize();
	uint32_t now = OS_GET_TIME();
	uint32_t delta = now >= ts ? now - ts : UINT32_MAX - ts + now;

	return ts > 0 ? delta - tm_off : delta;
}

static inline void bench_test_init(void)
{
	uint32_t first = OS_GET_TIME();

	tm_off = OS_GET_TIME() - first;
}

/* Uptime when the measurement started (bench_test_start) or how long it took. */
static int64_t timestamp_check;

static inline void bench_test_start(void)
{
	timestamp_check = 0;
	TICK_SYNCH();
	timestamp_check = k_uptime_delta(&timestamp_check);
}

/* 0 when the measurement took less than a second, -1 otherwise. */
static inline int bench_test_end(void)
{
	timestamp_check = k_uptime_delta(&timestamp_check);
	return timestamp_check >= MSEC_PER_SEC ? -1 : 0;
}

/* -1 when the measurement lasted long enough for the 32-bit counter to wrap. */
static inline int high_timer_overflow(void)
{
	uint64_t wrap_ms = k_cyc_to_ns_floor64(UINT_MAX) / (NSEC_PER_USEC * USEC_PER_MSEC);

	return timestamp_check >= (int64_t)wrap_ms ? -1 : 0;
}

#endif
