/* ZTEST_USER runs unprivileged; an announced fault ends the test thread and passes. */
#include <zephyr/ztest.h>

static ZTEST_BMEM int shared_value;

ZTEST_USER(user, test_runs_in_user_mode)
{
	zassert_true(k_is_user_context());
	shared_value = 5; /* ztest's partition is the test thread's */
	zassert_equal(shared_value, 5);
}

static volatile uint32_t kernel_only;

ZTEST_USER(user, test_an_expected_fault_passes)
{
	ztest_set_fault_valid(true);
	kernel_only = 1; /* outside the user thread's memory: an MPU fault */
	ztest_test_fail(); /* not reached */
}

ZTEST_SUITE(user, NULL, NULL, NULL, NULL, NULL);
