/* Small utility macros from Zephyr's sys/util.h. */
#ifndef ZEPHYR_SYS_UTIL_H
#define ZEPHYR_SYS_UTIL_H

#include <zephyr/types.h>
#include <zephyr/sys/util_macro.h>

#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))
#ifndef MIN
#define MIN(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) (((a) > (b)) ? (a) : (b))
#endif
#define CLAMP(val, low, high) (((val) <= (low)) ? (low) : MIN(val, high))
#define BIT(n) (1UL << (n))
#define BIT_MASK(n) (BIT(n) - 1UL)
#define ROUND_UP(x, align) ((((unsigned long)(x) + ((unsigned long)(align) - 1)) / \
			     (unsigned long)(align)) * (unsigned long)(align))
#define ROUND_DOWN(x, align) (((unsigned long)(x) / (unsigned long)(align)) * \
			      (unsigned long)(align))
#define WB_UP(x) ROUND_UP(x, sizeof(void *)) /* up to a whole number of words */
#define WB_DN(x) ROUND_DOWN(x, sizeof(void *))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
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
#define WRITE_BIT(var, bit, set) ((var) = (set) ? ((var) | BIT(bit)) : ((var) & ~BIT(bit)))
#define IS_POWER_OF_TWO(x) (((x) != 0U) && (((x) & ((x) - 1U)) == 0U))
#define IS_ALIGNED(ptr, align) (((uintptr_t)(ptr)) % (align) == 0)
#define KB(x) ((x) << 10)
#define MB(x) (KB(x) << 10)
#define ABS(x) ((x) < 0 ? -(x) : (x))
#define ceiling_fraction(numerator, divider) DIV_ROUND_UP(numerator, divider)

#ifndef STRINGIFY
#define Z_STRINGIFY(x) #x
#define STRINGIFY(s) Z_STRINGIFY(s)
#endif
#define _DO_CONCAT(x, y) x##y
#define _CONCAT(x, y) _DO_CONCAT(x, y)

#endif
