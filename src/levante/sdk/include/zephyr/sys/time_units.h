/* Time units (Zephyr's sys/time_units.h): unit constants, and conversions between
 * seconds, milliseconds, microseconds, nanoseconds, hardware cycles and ticks.
 *
 * k_<from>_to_<to>_<rounding><width>(t) for from/to in sec, ms, us, ns, cyc, ticks
 * (every pair with cyc or ticks on one side), rounding floor, near (halves up) or ceil,
 * width 32 (uint32_t in and out, the result cut to 32 bits) or 64.  The arithmetic is
 * exact: t is split into whole source periods and a remainder, so no intermediate
 * product overflows unless the result itself does. */
#ifndef ZEPHYR_SYS_TIME_UNITS_H
#define ZEPHYR_SYS_TIME_UNITS_H

#include <stdint.h>

#define SEC_PER_MIN 60U
#define MIN_PER_HOUR 60U
#define SEC_PER_HOUR (SEC_PER_MIN * MIN_PER_HOUR)
#define MSEC_PER_SEC 1000
#define USEC_PER_MSEC 1000
#define USEC_PER_SEC 1000000
#define NSEC_PER_USEC 1000U
#define NSEC_PER_MSEC 1000000U
#define NSEC_PER_SEC 1000000000U
#define PSEC_PER_NSEC 1000UL

static inline uint32_t sys_clock_hw_cycles_per_sec(void)
{
	return CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC;
}

/* t in units of 1/from_hz second, as units of 1/to_hz second, rounded by adding
 * `offset` before the last division.  A macro, so a conversion of a constant is a
 * constant expression (a static initialiser may use one), as Zephyr's are. */
#define Z_TIME_CONVERT_CONSTANT(t, from_hz, to_hz, offset)                               \
	(((t) / (uint64_t)(from_hz)) * (uint64_t)(to_hz) +                               \
	 (((t) % (uint64_t)(from_hz)) * (uint64_t)(to_hz) + (offset)) / (uint64_t)(from_hz))

static inline uint64_t z_time_convert_once(uint64_t t, uint64_t from_hz, uint64_t to_hz,
					   uint64_t offset)
{
	return Z_TIME_CONVERT_CONSTANT(t, from_hz, to_hz, offset);
}

/* The macro for a constant, else a function: the macro reads t twice, and t may be a
 * call whose value moves between the reads (k_ticks_to_ms_floor64(k_uptime_ticks()) would
 * mix two different instants). */
#define Z_TIME_CONVERT(t, from_hz, to_hz, offset)                                        \
	__builtin_choose_expr(__builtin_constant_p(t),                                   \
			      Z_TIME_CONVERT_CONSTANT(t, from_hz, to_hz, offset),        \
			      z_time_convert_once((t), (from_hz), (to_hz), (offset)))
#define Z_TIME_OFFSET_floor(from_hz) 0U
#define Z_TIME_OFFSET_near(from_hz) ((uint64_t)(from_hz) / 2U)
#define Z_TIME_OFFSET_ceil(from_hz) ((uint64_t)(from_hz) - 1U)
/* The 32-bit forms take a uint32_t and cut the result to 32 bits. */
#define Z_TIME_32(t, from_hz, to_hz, rounding)                                           \
	((uint32_t)Z_TIME_CONVERT((uint64_t)(uint32_t)(t), from_hz, to_hz,               \
				  Z_TIME_OFFSET_##rounding(from_hz)))
#define Z_TIME_64(t, from_hz, to_hz, rounding)                                           \
	((uint64_t)Z_TIME_CONVERT((uint64_t)(t), from_hz, to_hz,                         \
				  Z_TIME_OFFSET_##rounding(from_hz)))

#define Z_HZ_CYCLES CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC
#define Z_HZ_TICKS CONFIG_SYS_CLOCK_TICKS_PER_SEC

#define k_sec_to_cyc_floor32(t) Z_TIME_32(t, 1, Z_HZ_CYCLES, floor)
#define k_sec_to_cyc_floor64(t) Z_TIME_64(t, 1, Z_HZ_CYCLES, floor)
#define k_sec_to_cyc_near32(t) Z_TIME_32(t, 1, Z_HZ_CYCLES, near)
#define k_sec_to_cyc_near64(t) Z_TIME_64(t, 1, Z_HZ_CYCLES, near)
#define k_sec_to_cyc_ceil32(t) Z_TIME_32(t, 1, Z_HZ_CYCLES, ceil)
#define k_sec_to_cyc_ceil64(t) Z_TIME_64(t, 1, Z_HZ_CYCLES, ceil)
#define k_sec_to_ticks_floor32(t) Z_TIME_32(t, 1, Z_HZ_TICKS, floor)
#define k_sec_to_ticks_floor64(t) Z_TIME_64(t, 1, Z_HZ_TICKS, floor)
#define k_sec_to_ticks_near32(t) Z_TIME_32(t, 1, Z_HZ_TICKS, near)
#define k_sec_to_ticks_near64(t) Z_TIME_64(t, 1, Z_HZ_TICKS, near)
#define k_sec_to_ticks_ceil32(t) Z_TIME_32(t, 1, Z_HZ_TICKS, ceil)
#define k_sec_to_ticks_ceil64(t) Z_TIME_64(t, 1, Z_HZ_TICKS, ceil)
#define k_ms_to_cyc_floor32(t) Z_TIME_32(t, 1000, Z_HZ_CYCLES, floor)
#define k_ms_to_cyc_floor64(t) Z_TIME_64(t, 1000, Z_HZ_CYCLES, floor)
#define k_ms_to_cyc_near32(t) Z_TIME_32(t, 1000, Z_HZ_CYCLES, near)
#define k_ms_to_cyc_near64(t) Z_TIME_64(t, 1000, Z_HZ_CYCLES, near)
#define k_ms_to_cyc_ceil32(t) Z_TIME_32(t, 1000, Z_HZ_CYCLES, ceil)
#define k_ms_to_cyc_ceil64(t) Z_TIME_64(t, 1000, Z_HZ_CYCLES, ceil)
#define k_ms_to_ticks_floor32(t) Z_TIME_32(t, 1000, Z_HZ_TICKS, floor)
#define k_ms_to_ticks_floor64(t) Z_TIME_64(t, 1000, Z_HZ_TICKS, floor)
#define k_ms_to_ticks_near32(t) Z_TIME_32(t, 1000, Z_HZ_TICKS, near)
#define k_ms_to_ticks_near64(t) Z_TIME_64(t, 1000, Z_HZ_TICKS, near)
#define k_ms_to_ticks_ceil32(t) Z_TIME_32(t, 1000, Z_HZ_TICKS, ceil)
#define k_ms_to_ticks_ceil64(t) Z_TIME_64(t, 1000, Z_HZ_TICKS, ceil)
#define k_us_to_cyc_floor32(t) Z_TIME_32(t, 1000000, Z_HZ_CYCLES, floor)
#define k_us_to_cyc_floor64(t) Z_TIME_64(t, 1000000, Z_HZ_CYCLES, floor)
#define k_us_to_cyc_near32(t) Z_TIME_32(t, 1000000, Z_HZ_CYCLES, near)
#define k_us_to_cyc_near64(t) Z_TIME_64(t, 1000000, Z_HZ_CYCLES, near)
#define k_us_to_cyc_ceil32(t) Z_TIME_32(t, 1000000, Z_HZ_CYCLES, ceil)
#define k_us_to_cyc_ceil64(t) Z_TIME_64(t, 1000000, Z_HZ_CYCLES, ceil)
#define k_us_to_ticks_floor32(t) Z_TIME_32(t, 1000000, Z_HZ_TICKS, floor)
#define k_us_to_ticks_floor64(t) Z_TIME_64(t, 1000000, Z_HZ_TICKS, floor)
#define k_us_to_ticks_near32(t) Z_TIME_32(t, 1000000, Z_HZ_TICKS, near)
#define k_us_to_ticks_near64(t) Z_TIME_64(t, 1000000, Z_HZ_TICKS, near)
#define k_us_to_ticks_ceil32(t) Z_TIME_32(t, 1000000, Z_HZ_TICKS, ceil)
#define k_us_to_ticks_ceil64(t) Z_TIME_64(t, 1000000, Z_HZ_TICKS, ceil)
#define k_ns_to_cyc_floor32(t) Z_TIME_32(t, 1000000000, Z_HZ_CYCLES, floor)
#define k_ns_to_cyc_floor64(t) Z_TIME_64(t, 1000000000, Z_HZ_CYCLES, floor)
#define k_ns_to_cyc_near32(t) Z_TIME_32(t, 1000000000, Z_HZ_CYCLES, near)
#define k_ns_to_cyc_near64(t) Z_TIME_64(t, 1000000000, Z_HZ_CYCLES, near)
#define k_ns_to_cyc_ceil32(t) Z_TIME_32(t, 1000000000, Z_HZ_CYCLES, ceil)
#define k_ns_to_cyc_ceil64(t) Z_TIME_64(t, 1000000000, Z_HZ_CYCLES, ceil)
#define k_ns_to_ticks_floor32(t) Z_TIME_32(t, 1000000000, Z_HZ_TICKS, floor)
#define k_ns_to_ticks_floor64(t) Z_TIME_64(t, 1000000000, Z_HZ_TICKS, floor)
#define k_ns_to_ticks_near32(t) Z_TIME_32(t, 1000000000, Z_HZ_TICKS, near)
#define k_ns_to_ticks_near64(t) Z_TIME_64(t, 1000000000, Z_HZ_TICKS, near)
#define k_ns_to_ticks_ceil32(t) Z_TIME_32(t, 1000000000, Z_HZ_TICKS, ceil)
#define k_ns_to_ticks_ceil64(t) Z_TIME_64(t, 1000000000, Z_HZ_TICKS, ceil)
#define k_cyc_to_sec_floor32(t) Z_TIME_32(t, Z_HZ_CYCLES, 1, floor)
#define k_cyc_to_sec_floor64(t) Z_TIME_64(t, Z_HZ_CYCLES, 1, floor)
#define k_cyc_to_sec_near32(t) Z_TIME_32(t, Z_HZ_CYCLES, 1, near)
#define k_cyc_to_sec_near64(t) Z_TIME_64(t, Z_HZ_CYCLES, 1, near)
#define k_cyc_to_sec_ceil32(t) Z_TIME_32(t, Z_HZ_CYCLES, 1, ceil)
#define k_cyc_to_sec_ceil64(t) Z_TIME_64(t, Z_HZ_CYCLES, 1, ceil)
#define k_cyc_to_ms_floor32(t) Z_TIME_32(t, Z_HZ_CYCLES, 1000, floor)
#define k_cyc_to_ms_floor64(t) Z_TIME_64(t, Z_HZ_CYCLES, 1000, floor)
#define k_cyc_to_ms_near32(t) Z_TIME_32(t, Z_HZ_CYCLES, 1000, near)
#define k_cyc_to_ms_near64(t) Z_TIME_64(t, Z_HZ_CYCLES, 1000, near)
#define k_cyc_to_ms_ceil32(t) Z_TIME_32(t, Z_HZ_CYCLES, 1000, ceil)
#define k_cyc_to_ms_ceil64(t) Z_TIME_64(t, Z_HZ_CYCLES, 1000, ceil)
#define k_cyc_to_us_floor32(t) Z_TIME_32(t, Z_HZ_CYCLES, 1000000, floor)
#define k_cyc_to_us_floor64(t) Z_TIME_64(t, Z_HZ_CYCLES, 1000000, floor)
#define k_cyc_to_us_near32(t) Z_TIME_32(t, Z_HZ_CYCLES, 1000000, near)
#define k_cyc_to_us_near64(t) Z_TIME_64(t, Z_HZ_CYCLES, 1000000, near)
#define k_cyc_to_us_ceil32(t) Z_TIME_32(t, Z_HZ_CYCLES, 1000000, ceil)
#define k_cyc_to_us_ceil64(t) Z_TIME_64(t, Z_HZ_CYCLES, 1000000, ceil)
#define k_cyc_to_ns_floor32(t) Z_TIME_32(t, Z_HZ_CYCLES, 1000000000, floor)
#define k_cyc_to_ns_floor64(t) Z_TIME_64(t, Z_HZ_CYCLES, 1000000000, floor)
#define k_cyc_to_ns_near32(t) Z_TIME_32(t, Z_HZ_CYCLES, 1000000000, near)
#define k_cyc_to_ns_near64(t) Z_TIME_64(t, Z_HZ_CYCLES, 1000000000, near)
#define k_cyc_to_ns_ceil32(t) Z_TIME_32(t, Z_HZ_CYCLES, 1000000000, ceil)
#define k_cyc_to_ns_ceil64(t) Z_TIME_64(t, Z_HZ_CYCLES, 1000000000, ceil)
#define k_cyc_to_ticks_floor32(t) Z_TIME_32(t, Z_HZ_CYCLES, Z_HZ_TICKS, floor)
#define k_cyc_to_ticks_floor64(t) Z_TIME_64(t, Z_HZ_CYCLES, Z_HZ_TICKS, floor)
#define k_cyc_to_ticks_near32(t) Z_TIME_32(t, Z_HZ_CYCLES, Z_HZ_TICKS, near)
#define k_cyc_to_ticks_near64(t) Z_TIME_64(t, Z_HZ_CYCLES, Z_HZ_TICKS, near)
#define k_cyc_to_ticks_ceil32(t) Z_TIME_32(t, Z_HZ_CYCLES, Z_HZ_TICKS, ceil)
#define k_cyc_to_ticks_ceil64(t) Z_TIME_64(t, Z_HZ_CYCLES, Z_HZ_TICKS, ceil)
#define k_ticks_to_sec_floor32(t) Z_TIME_32(t, Z_HZ_TICKS, 1, floor)
#define k_ticks_to_sec_floor64(t) Z_TIME_64(t, Z_HZ_TICKS, 1, floor)
#define k_ticks_to_sec_near32(t) Z_TIME_32(t, Z_HZ_TICKS, 1, near)
#define k_ticks_to_sec_near64(t) Z_TIME_64(t, Z_HZ_TICKS, 1, near)
#define k_ticks_to_sec_ceil32(t) Z_TIME_32(t, Z_HZ_TICKS, 1, ceil)
#define k_ticks_to_sec_ceil64(t) Z_TIME_64(t, Z_HZ_TICKS, 1, ceil)
#define k_ticks_to_ms_floor32(t) Z_TIME_32(t, Z_HZ_TICKS, 1000, floor)
#define k_ticks_to_ms_floor64(t) Z_TIME_64(t, Z_HZ_TICKS, 1000, floor)
#define k_ticks_to_ms_near32(t) Z_TIME_32(t, Z_HZ_TICKS, 1000, near)
#define k_ticks_to_ms_near64(t) Z_TIME_64(t, Z_HZ_TICKS, 1000, near)
#define k_ticks_to_ms_ceil32(t) Z_TIME_32(t, Z_HZ_TICKS, 1000, ceil)
#define k_ticks_to_ms_ceil64(t) Z_TIME_64(t, Z_HZ_TICKS, 1000, ceil)
#define k_ticks_to_us_floor32(t) Z_TIME_32(t, Z_HZ_TICKS, 1000000, floor)
#define k_ticks_to_us_floor64(t) Z_TIME_64(t, Z_HZ_TICKS, 1000000, floor)
#define k_ticks_to_us_near32(t) Z_TIME_32(t, Z_HZ_TICKS, 1000000, near)
#define k_ticks_to_us_near64(t) Z_TIME_64(t, Z_HZ_TICKS, 1000000, near)
#define k_ticks_to_us_ceil32(t) Z_TIME_32(t, Z_HZ_TICKS, 1000000, ceil)
#define k_ticks_to_us_ceil64(t) Z_TIME_64(t, Z_HZ_TICKS, 1000000, ceil)
#define k_ticks_to_ns_floor32(t) Z_TIME_32(t, Z_HZ_TICKS, 1000000000, floor)
#define k_ticks_to_ns_floor64(t) Z_TIME_64(t, Z_HZ_TICKS, 1000000000, floor)
#define k_ticks_to_ns_near32(t) Z_TIME_32(t, Z_HZ_TICKS, 1000000000, near)
#define k_ticks_to_ns_near64(t) Z_TIME_64(t, Z_HZ_TICKS, 1000000000, near)
#define k_ticks_to_ns_ceil32(t) Z_TIME_32(t, Z_HZ_TICKS, 1000000000, ceil)
#define k_ticks_to_ns_ceil64(t) Z_TIME_64(t, Z_HZ_TICKS, 1000000000, ceil)
#define k_ticks_to_cyc_floor32(t) Z_TIME_32(t, Z_HZ_TICKS, Z_HZ_CYCLES, floor)
#define k_ticks_to_cyc_floor64(t) Z_TIME_64(t, Z_HZ_TICKS, Z_HZ_CYCLES, floor)
#define k_ticks_to_cyc_near32(t) Z_TIME_32(t, Z_HZ_TICKS, Z_HZ_CYCLES, near)
#define k_ticks_to_cyc_near64(t) Z_TIME_64(t, Z_HZ_TICKS, Z_HZ_CYCLES, near)
#define k_ticks_to_cyc_ceil32(t) Z_TIME_32(t, Z_HZ_TICKS, Z_HZ_CYCLES, ceil)
#define k_ticks_to_cyc_ceil64(t) Z_TIME_64(t, Z_HZ_TICKS, Z_HZ_CYCLES, ceil)

#endif
