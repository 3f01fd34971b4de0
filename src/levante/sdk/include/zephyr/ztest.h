/* Zephyr's test framework, ztest: suites and tests (ztest_test.h), assertions
 * (ztest_assert.h), expected faults (ztest_error_hook.h) and the output helpers
 * (tc_util.h).  The runner is Levante's runtime/ztest.c, built in with CONFIG_ZTEST. */
#ifndef ZEPHYR_ZTEST_H
#define ZEPHYR_ZTEST_H

#ifndef CONFIG_ZTEST
#error "<zephyr/ztest.h> needs CONFIG_ZTEST=y in prj.conf"
#endif

#include <zephyr/kernel.h>
#include <zephyr/tc_util.h>
#include <zephyr/ztest_test.h>
#include <zephyr/ztest_assert.h>
#include <zephyr/ztest_error_hook.h>

#define PRINT printk

#endif
