/* __ASSERT: checked only with CONFIG_ASSERT=y; a failure reports and panics. */
#ifndef ZEPHYR_SYS___ASSERT_H
#define ZEPHYR_SYS___ASSERT_H

#include <zephyr/fatal.h>
#include <zephyr/sys/printk.h>

#ifdef CONFIG_ASSERT
#define __ASSERT(test, fmt, ...)                                                   \
	do {                                                                       \
		if (!(test)) {                                                     \
			printk("ASSERTION FAIL [%s] @ %s:%d\n", #test, __FILE__,   \
			       __LINE__);                                          \
			printk("\t" fmt "\n", ##__VA_ARGS__);                      \
			k_panic();                                                 \
		}                                                                  \
	} while (0)
#define __ASSERT_NO_MSG(test) __ASSERT(test, "")
#define __ASSERT_EVAL(expr1, expr2, test, fmt, ...)                                \
	do {                                                                       \
		expr2;                                                             \
		__ASSERT(test, fmt, ##__VA_ARGS__);                                \
	} while (0)
#else
#define __ASSERT(test, fmt, ...) do { } while (0)
#define __ASSERT_NO_MSG(test) do { } while (0)
#define __ASSERT_EVAL(expr1, expr2, test, fmt, ...) expr1
#endif

#endif
