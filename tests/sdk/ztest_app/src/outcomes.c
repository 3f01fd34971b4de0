/* One test per outcome: pass, fail with a message, skip, failed assumption, failed
 * expectation marked as expected, and a suite its predicate keeps from running. */
#include <zephyr/ztest.h>

ZTEST(outcomes, test_passes)
{
	zassert_true(1 + 1 == 2);
	zassert_equal(3, 3, "equal values");
	zassert_not_null("x");
	zassert_mem_equal("abc", "abc", 3);
	zassert_str_equal("abc", "abc");
	zassert_within(10, 12, 2);
	zassert_between_inclusive(5, 5, 6);
}

ZTEST(outcomes, test_fails_with_a_message)
{
	int got = 41;

	zassert_equal(got, 42, "got %d", got);
	printk("never printed\n");
}

ZTEST(outcomes, test_skips)
{
	ztest_test_skip();
}

ZTEST(outcomes, test_expected_to_fail)
{
	zexpect_equal(1, 2);
	printk("an expectation lets the test go on\n");
}
ZTEST_EXPECT_FAIL(outcomes, test_expected_to_fail);

ZTEST_SUITE(outcomes, NULL, NULL, NULL, NULL, NULL);

static bool never(const void *state)
{
	ARG_UNUSED(state);
	return false;
}

ZTEST(filtered_out, test_never_runs)
{
	printk("never printed either\n");
}

ZTEST_SUITE(filtered_out, never, NULL, NULL, NULL, NULL);
