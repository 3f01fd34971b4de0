/* <zephyr/sys/util.h> and util_macro.h: FOR_EACH expansions, argument counting and
 * picking, preprocessor arithmetic, bit and rounding helpers at their edges, the text
 * conversions, and WAIT_FOR. */
#include <string.h>
#include <zephyr/ztest.h>
#include <zephyr/sys/util.h>

#define TIMES_TEN_PLUS(idx, x) ((idx) * 10 + (x))
#define SQUARE(x) ((x) * (x))
#define SCALE(x, factor) ((x) * (factor))
#define DECLARE_SLOT(idx, name, type) type name##_##idx
#define PLUS_ONE(x) ((x) + 1)
#define CONFIG_ANSWER 42

/* FOR_EACH_IDX_FIXED_ARG declaring variables, at file scope. */
FOR_EACH_IDX_FIXED_ARG(DECLARE_SLOT, (;), int, alpha, beta);

ZTEST(headers, test_for_each_expands_in_order)
{
	int squares[] = { FOR_EACH(SQUARE, (,), 1, 2, 3, 4) };
	int indexed[] = { FOR_EACH_IDX(TIMES_TEN_PLUS, (,), 7, 8, 9) };
	int scaled = FOR_EACH_FIXED_ARG(SCALE, (+), 3, 1, 2, 3);
	int terms[] = { FOR_EACH_NONEMPTY_TERM(PLUS_ONE, (,), 1, , 2, ) };

	zassert_equal(ARRAY_SIZE(squares), 4);
	zassert_mem_equal(squares, ((int[]){ 1, 4, 9, 16 }), sizeof(squares));
	zassert_mem_equal(indexed, ((int[]){ 7, 18, 29 }), sizeof(indexed));
	zassert_equal(scaled, 18);
	zassert_equal(ARRAY_SIZE(terms), 2, "empty arguments are dropped");
	zassert_mem_equal(terms, ((int[]){ 2, 3 }), sizeof(terms));
	alpha_0 = 5;
	beta_1 = 6;
	zassert_equal(alpha_0 + beta_1, 11);
	zassert_str_equal(STRINGIFY(FOR_EACH(IDENTITY, (), a, b)), "a b");
}

ZTEST(headers, test_argument_counting_and_picking)
{
	BUILD_ASSERT(NUM_VA_ARGS() == 0);
	BUILD_ASSERT(NUM_VA_ARGS(a) == 1);
	BUILD_ASSERT(NUM_VA_ARGS(a, b, c) == 3);
	BUILD_ASSERT(NUM_VA_ARGS_LESS_1(a, b, c) == 2);
	BUILD_ASSERT(NUM_VA_ARGS(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
				 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
				 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48,
				 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
				 64) == 64);
	BUILD_ASSERT(GET_ARG_N(3, 10, 20, 30, 40) == 30);
	int rest[] = { GET_ARGS_LESS_N(2, 10, 20, 30, 40) };
	int reversed[] = { REVERSE_ARGS(1, 2, 3) };
	int kept[] = { LIST_DROP_EMPTY(5, , 6, ) };

	zassert_mem_equal(rest, ((int[]){ 30, 40 }), sizeof(rest));
	zassert_mem_equal(reversed, ((int[]){ 3, 2, 1 }), sizeof(reversed));
	zassert_mem_equal(kept, ((int[]){ 5, 6 }), sizeof(kept));
	BUILD_ASSERT(IS_EMPTY() == 1 && IS_EMPTY(EMPTY) == 1);
	BUILD_ASSERT(IS_EMPTY(a) == 0 && IS_EMPTY(a, b) == 0);
	BUILD_ASSERT(IS_EQ(CONFIG_ANSWER, 42) == 1 && IS_EQ(41, 42) == 0 && IS_EQ(0, 0) == 1);
	BUILD_ASSERT(UTIL_INC(41) == 42 && UTIL_DEC(1) == 0 && UTIL_DEC(0) == 0);
	BUILD_ASSERT(UTIL_X2(127) == 254 && UTIL_INC(UTIL_INC(254)) == 256);
	BUILD_ASSERT(UTIL_AND(1, 7) == 7 && UTIL_AND(0, not_a_number) == 0);
	BUILD_ASSERT(UTIL_OR(1, not_a_number) == 1 && UTIL_OR(0, 9) == 9);
	BUILD_ASSERT(COND_CODE_1(IS_EQ(NUM_VA_ARGS(a, b), 2), (1), (0)) == 1);
	zassert_equal(CONCAT(1, 2, 3), 123);
}

ZTEST(headers, test_bit_and_rounding_helpers_at_their_edges)
{
	zassert_equal(BIT64(40), 0x10000000000ULL);
	zassert_equal(BIT64_MASK(33), 0x1ffffffffULL);
	zassert_equal(GENMASK64(63, 60), 0xf000000000000000ULL);
	zassert_equal(GENMASK64(35, 4), 0xffffffff0ULL);
	zassert_equal(GENMASK(31, 0), 0xffffffffUL);
	zassert_equal(POPCOUNT(0xf0f0u), 8);
	zassert_true(IS_BIT_MASK(0x7u) && !IS_BIT_MASK(0x5u) && IS_SHIFTED_BIT_MASK(0x70u, 4));
	zassert_true(IN_RANGE(5, 5, 7) && IN_RANGE(7, 5, 7) && !IN_RANGE(8, 5, 7));
	zassert_equal(DIV_ROUND_CLOSEST(7, 2), 4);
	zassert_equal(DIV_ROUND_CLOSEST(-7, 2), -4);
	zassert_equal(DIV_ROUND_CLOSEST(5, 3), 2);
	zassert_equal(DIV_ROUND_CLOSEST(-5, -3), 2);
	zassert_equal(ROUND_UP(13, 8), 16);
	zassert_equal(ROUND_DOWN(13, 8), 8);
	zassert_equal(LOG2(1), 0);
	zassert_equal(LOG2(0), -1);
	zassert_equal(LOG2(1023), 9);
	zassert_equal(LOG2(1024), 10);
	zassert_equal(LOG2(0x100000000ULL), 32);
	zassert_equal(LOG2CEIL(1), 0);
	zassert_equal(LOG2CEIL(1024), 10);
	zassert_equal(LOG2CEIL(1025), 11);
	zassert_equal(NHPOT(0), 1);
	zassert_equal(NHPOT(17), 32);
	zassert_equal(NHPOT(32), 32);
	zassert_equal(MHZ(64), 64000000);
	zassert_equal(KHZ(32), 32000);

	int counter = 0;

	zassert_equal(Z_MAX(counter++, 0), 0);
	zassert_equal(Z_MIN(counter++, 5), 1);
	zassert_equal(Z_CLAMP(counter++, 3, 9), 3);
	zassert_equal(counter, 3, "each argument evaluated once");
}

struct record {
	uint16_t small;
	uint32_t words[3];
};

ZTEST(headers, test_array_and_field_helpers)
{
	struct record records[4];
	int values[3] = { 0 };

	zassert_equal(ARRAY_SIZE(records), 4);
	zassert_equal(SIZEOF_FIELD(struct record, words), 12);
	zassert_true(PART_OF_ARRAY(records, &records[3]));
	zassert_true(PART_OF_ARRAY(records, &records[1].words[2]));
	zassert_false(PART_OF_ARRAY(records, &records[4]), "one past the end is outside");
	zassert_true(IS_ARRAY_ELEMENT(records, &records[2]));
	zassert_false(IS_ARRAY_ELEMENT(records, &records[1].words[0]));
	zassert_equal(ARRAY_INDEX(records, &records[2]), 2);
	ARRAY_FOR_EACH(values, i) {
		values[i] = (int)i * 2;
	}
	ARRAY_FOR_EACH_PTR(values, value) {
		*value += 1;
	}
	zassert_mem_equal(values, ((int[]){ 1, 3, 5 }), sizeof(values));
	zassert_equal(sign_extend(0x80, 7), -128);
	zassert_equal(sign_extend(0x7f, 7), 127);
	zassert_equal(bcd2bin(0x42), 42);
	zassert_equal(bin2bcd(42), 0x42);
}

ZTEST(headers, test_text_conversions)
{
	const uint8_t bytes[] = { 0x00, 0x1f, 0xa5, 0xff };
	char hex[9];
	uint8_t back[4];

	zassert_equal(bin2hex(bytes, sizeof(bytes), hex, sizeof(hex)), 8);
	zassert_str_equal(hex, "001fa5ff");

	char wide[32];

	snprintk(wide, sizeof(wide), "%" PRIu64 " %" PRIx64, BIT64(40), GENMASK64(39, 36));
	zassert_str_equal(wide, "1099511627776 f000000000", "PRI*64 fit 64-bit values: %s", wide);
	zassert_equal(bin2hex(bytes, sizeof(bytes), hex, 8), 0, "no room for the NUL");
	zassert_equal(hex2bin("001FA5ff", 8, back, sizeof(back)), 4);
	zassert_mem_equal(back, bytes, 4);
	zassert_equal(hex2bin("abc", 3, back, sizeof(back)), 2, "an odd count: a leading 0");
	zassert_mem_equal(back, ((uint8_t[]){ 0x0a, 0xbc }), 2);
	zassert_equal(hex2bin("0g", 2, back, sizeof(back)), 0, "not a hex digit");
	zassert_equal(hex2bin("00112233", 8, back, 3), 0, "too small a buffer");

	uint8_t nibble;
	char digit;

	zassert_equal(char2hex('F', &nibble), 0);
	zassert_equal(nibble, 15);
	zassert_equal(char2hex('x', &nibble), -EINVAL);
	zassert_equal(hex2char(11, &digit), 0);
	zassert_equal(digit, 'b');
	zassert_equal(hex2char(16, &digit), -EINVAL);

	char decimal[4];

	zassert_equal(u8_to_dec(decimal, sizeof(decimal), 255), 3);
	zassert_str_equal(decimal, "255");
	zassert_equal(u8_to_dec(decimal, sizeof(decimal), 7), 1);
	zassert_str_equal(decimal, "7");
	zassert_equal(u8_to_dec(decimal, sizeof(decimal), 0), 1);
	zassert_str_equal(decimal, "0");
	memset(decimal, 'x', sizeof(decimal));
	zassert_equal(u8_to_dec(decimal, 2, 123), 2, "as many digits as fit");
	zassert_mem_equal(decimal, "12xx", 4);

	uint8_t first[3] = { 1, 2, 3 };
	uint8_t second[3] = { 7, 8, 9 };

	byteswp(first, second, sizeof(first));
	zassert_mem_equal(first, ((uint8_t[]){ 7, 8, 9 }), 3);
	zassert_mem_equal(second, ((uint8_t[]){ 1, 2, 3 }), 3);
	bytecpy(second, first, 2);
	zassert_mem_equal(second, ((uint8_t[]){ 7, 8, 3 }), 3);
}

ZTEST(headers, test_wait_for_polls_until_true_or_timeout)
{
	int polls = 0;
	uint32_t start = k_cycle_get_32();
	uint32_t fifty_us = k_us_to_cyc_ceil32(50);

	zassert_true(WAIT_FOR(k_cycle_get_32() - start >= fifty_us, 1000, polls++));
	zassert_true(polls > 0, "polled more than once");
	zassert_true(k_cycle_get_32() - start < k_us_to_cyc_ceil32(1000), "stopped when true");

	start = k_cycle_get_32();
	zassert_false(WAIT_FOR(false, 200, k_busy_wait(10)));
	zassert_true(k_cyc_to_us_floor32(k_cycle_get_32() - start) >= 200,
		     "gave up only after the timeout");
}
