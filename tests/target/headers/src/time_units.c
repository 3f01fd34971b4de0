/* <zephyr/sys/time_units.h>: each rounding at its edge, 32-bit results cut to 32 bits,
 * and 64-bit conversions whose naive product would overflow. */
#include <zephyr/ztest.h>

#define HZ CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC
#define CYCLES_PER_US (HZ / 1000000)

BUILD_ASSERT(CONFIG_SYS_CLOCK_TICKS_PER_SEC == 1000, "the expectations assume 1 ms ticks");
BUILD_ASSERT(HZ % 1000000 == 0, "and a whole number of cycles per microsecond");

ZTEST(headers, test_time_units_round_as_named)
{
	zassert_equal(k_ms_to_ticks_ceil32(5), 5);
	zassert_equal(k_us_to_ticks_floor32(1999), 1);
	zassert_equal(k_us_to_ticks_near32(1499), 1);
	zassert_equal(k_us_to_ticks_near32(1500), 2, "halves round up");
	zassert_equal(k_us_to_ticks_ceil32(1001), 2);
	zassert_equal(k_ns_to_ticks_ceil64(1), 1);
	zassert_equal(k_ns_to_ticks_floor64(999999), 0);
	zassert_equal(k_sec_to_ticks_floor32(3), 3000);
	zassert_equal(k_ticks_to_sec_floor32(2999), 2);
	zassert_equal(k_ticks_to_sec_ceil32(2001), 3);
	zassert_equal(k_ticks_to_ms_floor64(7), 7);
	zassert_equal(k_ticks_to_us_near32(3), 3000);
	zassert_equal(k_ticks_to_ns_floor64(2), 2000000);

	zassert_equal(k_us_to_cyc_floor32(3), 3 * CYCLES_PER_US);
	zassert_equal(k_cyc_to_us_floor32(CYCLES_PER_US - 1), 0);
	zassert_equal(k_cyc_to_us_ceil32(1), 1);
	zassert_equal(k_cyc_to_us_near32(CYCLES_PER_US / 2), 1);
	zassert_equal(k_cyc_to_us_near32(CYCLES_PER_US / 2 - 1), 0);
	zassert_equal(k_cyc_to_ms_ceil32(HZ / 1000 + 1), 2);
	zassert_equal(k_cyc_to_ticks_floor32(HZ / 1000 * 4), 4);
	zassert_equal(k_ticks_to_cyc_floor32(4), HZ / 1000 * 4);
	zassert_equal(k_ns_to_cyc_ceil32(1), 1);
	zassert_equal(k_ns_to_cyc_floor32(1), 0);
	zassert_equal(k_sec_to_cyc_floor64(2), 2ULL * HZ);
	zassert_equal(k_cyc_to_sec_floor32(HZ - 1), 0);
	zassert_equal(k_cyc_to_ns_floor64(1ULL * HZ), 1000000000ULL);
}

ZTEST(headers, test_time_units_widths)
{
	/* 100 s of cycles exceeds 32 bits: the 32-bit form keeps the low word. */
	zassert_equal(k_ms_to_cyc_floor32(100000), (uint32_t)(100000ULL * (HZ / 1000)));
	zassert_equal(k_ms_to_cyc_floor64(100000), 100000ULL * (HZ / 1000));
	/* 10^10 s of cycles in ns is 10^19: fits in 64 bits, though cycles * 10^9 does not. */
	zassert_equal(k_cyc_to_ns_floor64(10000000000ULL * HZ), 10000000000000000000ULL);
}
