/* __ASSERT: checked only with CONFIG_ASSERT=y (and not CONFIG_FORCE_NO_ASSERT); a
 * failure reports and panics.  __ASSERT_ON says whether they are checked. */
#ifndef ZEPHYR_SYS___ASSERT_H
#define ZEPHYR_SYS___ASSERT_H

#include <zephyr/fatal.h>
#include <zephyr/sys/printk.h>

#if defined(CONFIG_ASSERT) && !defined(CONFIG_FORCE_NO_ASSERT)
#define __ASSERT_ON 1
#else
#define __ASSERT_ON 0
#endif

/* What follows a failed assertion: a kernel panic, unless the application (or ztest's
 * CONFIG_ZTEST_ASSERT_HOOK) defines it. */
void assert_post_action(const char *file, unsigned int line);

#if __ASSERT_ON
#define __ASSERT(test, fmt, ...)                                                   \
	do {                                                                       \
		if (!(test)) {                                                     \
			printk("ASSERTION FAIL [%s] @ %s:%d\n", #test, __FILE__,   \
			       __LINE__);                                          \
			printk("\t" fmt "\n", ##__VA_ARGS__);                      \
			assert_post_action(__FILE__, __LINE__);                    \
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
