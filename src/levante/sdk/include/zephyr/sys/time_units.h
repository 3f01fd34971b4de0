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

enum z_time_rounding {
	Z_TIME_FLOOR,
	Z_TIME_NEAR,
	Z_TIME_CEIL,
};

/* t in units of 1/from_hz second, as units of 1/to_hz second. */
static inline uint64_t z_time_convert(uint64_t t, uint64_t from_hz, uint64_t to_hz,
				      enum z_time_rounding rounding)
{
	uint64_t whole = t / from_hz;
	uint64_t part = t % from_hz; /* part * to_hz < from_hz * to_hz: no overflow */
	uint64_t offset = rounding == Z_TIME_CEIL ? from_hz - 1
			  : rounding == Z_TIME_NEAR ? from_hz / 2 : 0;

	return whole * to_hz + (part * to_hz + offset) / from_hz;
}

#define Z_TIME_CONVERSION_ROUNDED(from, to, from_hz, to_hz, rounding, ROUNDING)          \
	static inline uint32_t k_##from##_to_##to##_##rounding##32(uint32_t t)          \
	{                                                                                \
		return (uint32_t)z_time_convert(t, from_hz, to_hz, ROUNDING);            \
	}                                                                                \
	static inline uint64_t k_##from##_to_##to##_##rounding##64(uint64_t t)          \
	{                                                                                \
		return z_time_convert(t, from_hz, to_hz, ROUNDING);                      \
	}
#define Z_TIME_CONVERSION(from, to, from_hz, to_hz)                                      \
	Z_TIME_CONVERSION_ROUNDED(from, to, from_hz, to_hz, floor, Z_TIME_FLOOR)        \
	Z_TIME_CONVERSION_ROUNDED(from, to, from_hz, to_hz, near, Z_TIME_NEAR)          \
	Z_TIME_CONVERSION_ROUNDED(from, to, from_hz, to_hz, ceil, Z_TIME_CEIL)

#define Z_HZ_CYCLES CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC
#define Z_HZ_TICKS CONFIG_SYS_CLOCK_TICKS_PER_SEC

Z_TIME_CONVERSION(sec, cyc, 1, Z_HZ_CYCLES)
Z_TIME_CONVERSION(sec, ticks, 1, Z_HZ_TICKS)
Z_TIME_CONVERSION(ms, cyc, 1000, Z_HZ_CYCLES)
Z_TIME_CONVERSION(ms, ticks, 1000, Z_HZ_TICKS)
Z_TIME_CONVERSION(us, cyc, 1000000, Z_HZ_CYCLES)
Z_TIME_CONVERSION(us, ticks, 1000000, Z_HZ_TICKS)
Z_TIME_CONVERSION(ns, cyc, 1000000000, Z_HZ_CYCLES)
Z_TIME_CONVERSION(ns, ticks, 1000000000, Z_HZ_TICKS)
Z_TIME_CONVERSION(cyc, sec, Z_HZ_CYCLES, 1)
Z_TIME_CONVERSION(cyc, ms, Z_HZ_CYCLES, 1000)
Z_TIME_CONVERSION(cyc, us, Z_HZ_CYCLES, 1000000)
Z_TIME_CONVERSION(cyc, ns, Z_HZ_CYCLES, 1000000000)
Z_TIME_CONVERSION(cyc, ticks, Z_HZ_CYCLES, Z_HZ_TICKS)
Z_TIME_CONVERSION(ticks, sec, Z_HZ_TICKS, 1)
Z_TIME_CONVERSION(ticks, ms, Z_HZ_TICKS, 1000)
Z_TIME_CONVERSION(ticks, us, Z_HZ_TICKS, 1000000)
Z_TIME_CONVERSION(ticks, ns, Z_HZ_TICKS, 1000000000)
Z_TIME_CONVERSION(ticks, cyc, Z_HZ_TICKS, Z_HZ_CYCLES)

#endif
