/* The order of a suite's functions, and the fixture setup hands to the tests. */
#include <zephyr/ztest.h>

struct stages_fixture {
	int setups;
	char log[32];
};

static struct stages_fixture fixture_storage;

static void *stages_setup(void)
{
	fixture_storage.setups++;
	strcat(fixture_storage.log, "S");
	return &fixture_storage;
}

static void stages_before(void *data)
{
	strcat(((struct stages_fixture *)data)->log, "b");
}

static void stages_after(void *data)
{
	strcat(((struct stages_fixture *)data)->log, "a");
}

static void stages_teardown(void *data)
{
	printk("stages log %s\n", ((struct stages_fixture *)data)->log);
}

ZTEST_F(stages, test_first)
{
	zassert_equal(fixture->setups, 1);
	strcat(fixture->log, "1");
}

ZTEST_F(stages, test_second)
{
	strcat(fixture->log, "2");
}

ZTEST_SUITE(stages, NULL, stages_setup, stages_before, stages_after, stages_teardown);

static int rule_count;

static void count_before(const struct ztest_unit_test *test, void *data)
{
	ARG_UNUSED(test);
	ARG_UNUSED(data);
	rule_count++;
}

ZTEST_RULE(counting, count_before, NULL);

ZTEST(stages, test_third_sees_the_rule)
{
	/* The rule ran before every test so far: this suite's three, and the ones of
	 * suites whose names sort first. */
	zassert_true(rule_count >= 3, "rule ran %d times", rule_count);
}
