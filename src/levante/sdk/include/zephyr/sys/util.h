/* Small utility macros from Zephyr's sys/util.h. */
#ifndef ZEPHYR_SYS_UTIL_H
#define ZEPHYR_SYS_UTIL_H

#include <zephyr/types.h>

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
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define IS_ENABLED(config) Z_IS_ENABLED1(config)
#define Z_IS_ENABLED1(config) Z_IS_ENABLED2(_XXXX##config)
#define _XXXX1 _YYYY,
#define Z_IS_ENABLED2(one_or_two_args) Z_IS_ENABLED3(one_or_two_args 1, 0)
#define Z_IS_ENABLED3(ignore_this, val, ...) val
#define CONTAINER_OF(ptr, type, field) ((type *)(((char *)(ptr)) - offsetof(type, field)))

#endif
