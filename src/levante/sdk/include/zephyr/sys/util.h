/* Utility macros and small helpers from Zephyr's sys/util.h: arrays, bits, rounding,
 * logarithms, byte copies, hex and decimal text, WAIT_FOR. */
#ifndef ZEPHYR_SYS_UTIL_H
#define ZEPHYR_SYS_UTIL_H

#include <zephyr/toolchain.h>
#include <zephyr/types.h>
#include <zephyr/sys/util_macro.h>

/* 0, or a compile error when `cond` is false (usable in constant expressions). */
#define ZERO_OR_COMPILE_ERROR(cond) ((int)sizeof(char[1 - 2 * !(cond)]) - 1)
#define SAME_TYPE(a, b) __builtin_types_compatible_p(__typeof__(a), __typeof__(b))
/* 0 for an array; a compile error for a pointer, whose "size" would be a silent bug. */
#define IS_ARRAY(array) ZERO_OR_COMPILE_ERROR(!SAME_TYPE(array, &(array)[0]))
#define ARRAY_SIZE(array) \
	((size_t)(IS_ARRAY(array) + (sizeof(array) / sizeof((array)[0]))))
/* Whether `ptr` points into `array`, and at the start of one of its elements. */
#define PART_OF_ARRAY(array, ptr)                                                   \
	((ptr) != NULL && (uintptr_t)(array) <= (uintptr_t)(ptr) &&                \
	 (uintptr_t)(ptr) < (uintptr_t)&(array)[ARRAY_SIZE(array)])
#define IS_ARRAY_ELEMENT(array, ptr)                                                \
	(PART_OF_ARRAY(array, ptr) &&                                               \
	 ((uintptr_t)(ptr) - (uintptr_t)(array)) % sizeof((array)[0]) == 0)
#define ARRAY_INDEX(array, ptr) ((size_t)((ptr) - (array)))
#define ARRAY_INDEX_FLOOR(array, ptr) \
	(((uintptr_t)(ptr) - (uintptr_t)(array)) / sizeof((array)[0]))
#define ARRAY_FOR_EACH(array, idx) for (size_t idx = 0; (idx) < ARRAY_SIZE(array); ++(idx))
#define ARRAY_FOR_EACH_PTR(array, ptr) \
	for (__typeof__(*(array)) *ptr = (array); (size_t)((ptr) - (array)) < ARRAY_SIZE(array); ++(ptr))
#define SIZEOF_FIELD(type, member) sizeof((((type *)0)->member))
#ifndef MIN
#define MIN(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) (((a) > (b)) ? (a) : (b))
#endif
#define CLAMP(val, low, high) (((val) <= (low)) ? (low) : MIN(val, high))
#define BIT(n) (1UL << (n))
#define BIT_MASK(n) (BIT(n) - 1UL)
#define BIT64(n) (1ULL << (n))
#define BIT64_MASK(n) (BIT64(n) - 1ULL)
#define NUM_BITS(t) (sizeof(t) * 8)
/* Whether `m` shifted right by `s` is a run of ones from bit 0. */
#define IS_SHIFTED_BIT_MASK(m, s) (!(((m) >> (s)) & (((m) >> (s)) + 1U)))
#define IS_BIT_MASK(m) IS_SHIFTED_BIT_MASK(m, 0)
#define POPCOUNT(x) __builtin_popcount(x)
#define ROUND_UP(x, align) ((((unsigned long)(x) + ((unsigned long)(align) - 1)) / \
			     (unsigned long)(align)) * (unsigned long)(align))
#define ROUND_DOWN(x, align) (((unsigned long)(x) / (unsigned long)(align)) * \
			      (unsigned long)(align))
#define WB_UP(x) ROUND_UP(x, sizeof(void *)) /* up to a whole number of words */
#define WB_DN(x) ROUND_DOWN(x, sizeof(void *))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
/* n / d rounded to the nearest integer, halves away from zero, for either sign. */
#define DIV_ROUND_CLOSEST(n, d) \
	((((n) < 0) ^ ((d) < 0)) ? ((n) - ((d) / 2)) / (d) : ((n) + ((d) / 2)) / (d))
#define IN_RANGE(val, min, max) ((val) >= (min) && (val) <= (max))
/* MIN, MAX and CLAMP evaluating each argument once (GCC statement expressions). */
#define Z_MAX(a, b)                                                                 \
	({                                                                          \
		__typeof__(a) z_max_a = (a);                                        \
		__typeof__(b) z_max_b = (b);                                        \
		z_max_a > z_max_b ? z_max_a : z_max_b;                              \
	})
#define Z_MIN(a, b)                                                                 \
	({                                                                          \
		__typeof__(a) z_min_a = (a);                                        \
		__typeof__(b) z_min_b = (b);                                        \
		z_min_a < z_min_b ? z_min_a : z_min_b;                              \
	})
#define Z_CLAMP(val, low, high)                                                     \
	({                                                                          \
		__typeof__(val) z_clamp_val = (val);                                \
		__typeof__(low) z_clamp_low = (low);                                \
		__typeof__(high) z_clamp_high = (high);                             \
		z_clamp_val < z_clamp_low ? z_clamp_low                             \
		: z_clamp_val > z_clamp_high ? z_clamp_high : z_clamp_val;          \
	})
#define IS_ENABLED(config) Z_IS_ENABLED1(config)
#define Z_IS_ENABLED1(config) Z_IS_ENABLED2(_XXXX##config)
#define _XXXX1 _YYYY,
#define Z_IS_ENABLED2(one_or_two_args) Z_IS_ENABLED3(one_or_two_args 1, 0)
#define Z_IS_ENABLED3(ignore_this, val, ...) val
#define CONTAINER_OF(ptr, type, field) ((type *)(((char *)(ptr)) - offsetof(type, field)))

/* Integers carried in pointer-sized thread and callback arguments. */
#define POINTER_TO_UINT(x) ((uintptr_t)(x))
#define UINT_TO_POINTER(x) ((void *)(uintptr_t)(x))
#define POINTER_TO_INT(x) ((intptr_t)(x))
#define INT_TO_POINTER(x) ((void *)(intptr_t)(x))

#define BITS_PER_BYTE 8
#define BITS_PER_LONG (BITS_PER_BYTE * sizeof(long))
/* Bits h down to l set (h >= l). */
#define GENMASK(h, l) (((~0UL) - (1UL << (l)) + 1) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define BITS_PER_LONG_LONG (BITS_PER_BYTE * sizeof(long long))
#define GENMASK64(h, l) \
	(((~0ULL) - (1ULL << (l)) + 1) & (~0ULL >> (BITS_PER_LONG_LONG - 1 - (h))))
#define WRITE_BIT(var, bit, set) ((var) = (set) ? ((var) | BIT(bit)) : ((var) & ~BIT(bit)))
#define IS_POWER_OF_TWO(x) (((x) != 0U) && (((x) & ((x) - 1U)) == 0U))
#define IS_ALIGNED(ptr, align) (((uintptr_t)(ptr)) % (align) == 0)
#define KB(x) ((x) << 10)
#define MB(x) (KB(x) << 10)
#define GB(x) (MB(x) << 10)
#define KHZ(x) ((x) * 1000)
#define MHZ(x) (KHZ(x) * 1000)

/* Logarithms of positive integers, as constant expressions for constant arguments:
 * LOG2(x) is floor(log2(x)) (-1 below 1), LOG2CEIL(x) is ceil(log2(x)) (0 below 2),
 * NHPOT(x) the next power of two at or above x (1 below 1, 0 past 2^63). */
#define Z_LOG2_32(x) (31 - __builtin_clz(x))
#define Z_LOG2_64(x) (63 - __builtin_clzll(x))
#define Z_LOG2(x) (sizeof(__typeof__(x)) > 4 ? Z_LOG2_64(x) : Z_LOG2_32(x))
#define LOG2(x) ((x) < 1 ? -1 : Z_LOG2(x))
#define LOG2CEIL(x) ((x) < 2 ? 0 : Z_LOG2((x) - 1) + 1)
#define NHPOT(x) ((x) < 1 ? 1 : ((x) > (1ULL << 63) ? 0 : 1ULL << LOG2CEIL(x)))
#define ABS(x) ((x) < 0 ? -(x) : (x))
#define ceiling_fraction(numerator, divider) DIV_ROUND_UP(numerator, divider)

#define _DO_CONCAT(x, y) x##y
#define CONCAT(...) UTIL_CAT(Z_CONCAT_, NUM_VA_ARGS(__VA_ARGS__))(__VA_ARGS__)
#define Z_CONCAT_1(a) a
#define Z_CONCAT_2(a, b) UTIL_CAT(a, b)
#define Z_CONCAT_3(a, b, c) Z_CONCAT_2(Z_CONCAT_2(a, b), c)
#define Z_CONCAT_4(a, b, c, d) Z_CONCAT_2(Z_CONCAT_3(a, b, c), d)
#define Z_CONCAT_5(a, b, c, d, e) Z_CONCAT_2(Z_CONCAT_4(a, b, c, d), e)
#define Z_CONCAT_6(a, b, c, d, e, f) Z_CONCAT_2(Z_CONCAT_5(a, b, c, d, e), f)
#define Z_CONCAT_7(a, b, c, d, e, f, g) Z_CONCAT_2(Z_CONCAT_6(a, b, c, d, e, f), g)
#define Z_CONCAT_8(a, b, c, d, e, f, g, h) Z_CONCAT_2(Z_CONCAT_7(a, b, c, d, e, f, g), h)
#define _CONCAT(x, y) _DO_CONCAT(x, y)

static inline bool is_power_of_two(unsigned int x)
{
	return IS_POWER_OF_TWO(x);
}

/* Sign-extends `value` from bit `index` (its sign bit). */
static inline int32_t sign_extend(uint32_t value, uint8_t index)
{
	uint8_t shift = 31 - index;

	return (int32_t)(value << shift) >> shift;
}

static inline int64_t sign_extend_64(uint64_t value, uint8_t index)
{
	uint8_t shift = 63 - index;

	return (int64_t)(value << shift) >> shift;
}

static inline int64_t arithmetic_shift_right(int64_t value, uint8_t shift)
{
	return value >> shift; /* GCC shifts signed values arithmetically */
}

/* Copies one byte at a time (for memory that must not see wider accesses). */
static inline void bytecpy(void *dst, const void *src, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		((volatile uint8_t *)dst)[i] = ((volatile const uint8_t *)src)[i];
	}
}

/* Exchanges the `size` bytes at `a` and `b`, which must not overlap. */
static inline void byteswp(void *a, void *b, size_t size)
{
	uint8_t *first = (uint8_t *)a;
	uint8_t *second = (uint8_t *)b;

	for (size_t i = 0; i < size; i++) {
		uint8_t byte = first[i];

		first[i] = second[i];
		second[i] = byte;
	}
}

static inline uint8_t bcd2bin(uint8_t bcd)
{
	return (uint8_t)(10 * (bcd >> 4) + (bcd & 0x0f));
}

static inline uint8_t bin2bcd(uint8_t bin)
{
	return (uint8_t)(((bin / 10) << 4) | (bin % 10));
}

/* Text conversions (runtime/util_text.c).  char2hex and hex2char return 0 or -EINVAL.
 * bin2hex writes lowercase digits and a NUL, returning the digits' count, or 0 when
 * `hex` has no room for them all.  hex2bin reads `hexlen` digits (an odd count means a
 * leading 0), returning the bytes written, or 0 for a bad digit or too small a `buf`.
 * u8_to_dec writes `value` in decimal (as many digits as fit, then a NUL if there is
 * room) and returns the digits written. */
int char2hex(char c, uint8_t *x);
int hex2char(uint8_t x, char *c);
size_t bin2hex(const uint8_t *buf, size_t buflen, char *hex, size_t hexlen);
size_t hex2bin(const char *hex, size_t hexlen, uint8_t *buf, size_t buflen);
uint8_t u8_to_dec(char *buf, uint8_t buflen, uint8_t value);

/* A pause inside a polling loop.  Simulated time advances with the instructions a
 * spin executes, as a real core's does, so no extra wait is needed (Zephyr too pauses
 * only on its POSIX boards). */
#define Z_SPIN_DELAY(t) ((void)(t))

/* WAIT_FOR(expr, timeout_us, delay_stmt): polls `expr`, running `delay_stmt` between
 * tries, until it holds or `timeout_us` microseconds of cycles have passed; its value
 * is the last evaluation of `expr`.  Needs <zephyr/kernel.h> where it is used. */
#define WAIT_FOR(expr, timeout, delay_stmt)                                          \
	({                                                                           \
		uint32_t z_wait_cycles = k_us_to_cyc_ceil32(timeout);                \
		uint32_t z_wait_start = k_cycle_get_32();                            \
		while (!(expr) && (k_cycle_get_32() - z_wait_start) < z_wait_cycles) { \
			delay_stmt;                                                  \
		}                                                                    \
		(expr);                                                              \
	})

#endif
