/* ztest's test and suite records (Zephyr's ztest_test.h, the current API): ZTEST_SUITE
 * declares a suite, ZTEST and its variants a test in it; both are iterable-section
 * records that the runner (runtime/ztest.c) walks in name order. */
#ifndef ZEPHYR_ZTEST_TEST_H
#define ZEPHYR_ZTEST_TEST_H

#include <stdbool.h>
#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>
#include <zephyr/sys/iterable_sections.h>

#ifdef CONFIG_USERSPACE
#define __USERSPACE_FLAGS (K_USER)
#else
#define __USERSPACE_FLAGS (0)
#endif

enum ztest_expected_result {
	ZTEST_EXPECTED_RESULT_FAIL = 0,
	ZTEST_EXPECTED_RESULT_SKIP,
};

struct ztest_expected_result_entry {
	const char *test_suite_name;
	const char *test_name;
	enum ztest_expected_result expected_result;
};

#define __ZTEST_EXPECT(_suite, _test, expectation)                                        \
	static const STRUCT_SECTION_ITERABLE(                                             \
		ztest_expected_result_entry,                                              \
		UTIL_CAT(UTIL_CAT(z_ztest_expected_result_, _suite), _test)) = {         \
		.test_suite_name = STRINGIFY(_suite),                                     \
		.test_name = STRINGIFY(_test),                                            \
		.expected_result = expectation,                                           \
	}
/* The test is expected to fail (skip): it then counts as passed, and otherwise as failed. */
#define ZTEST_EXPECT_FAIL(_suite, _test) __ZTEST_EXPECT(_suite, _test, ZTEST_EXPECTED_RESULT_FAIL)
#define ZTEST_EXPECT_SKIP(_suite, _test) __ZTEST_EXPECT(_suite, _test, ZTEST_EXPECTED_RESULT_SKIP)

struct ztest_unit_test_stats {
	uint32_t run_count;
	uint32_t skip_count;
	uint32_t fail_count;
	uint32_t pass_count;
	uint32_t duration_worst_ms;
};

struct ztest_unit_test {
	const char *test_suite_name;
	const char *name;
	void (*test)(void *data);
	uint32_t thread_options;
	struct ztest_unit_test_stats *const stats;
};

struct ztest_suite_stats {
	uint32_t run_count;
	uint32_t skip_count;
	uint32_t fail_count;
};

typedef void *(*ztest_suite_setup_t)(void);
typedef void (*ztest_suite_before_t)(void *fixture);
typedef void (*ztest_suite_after_t)(void *fixture);
typedef void (*ztest_suite_teardown_t)(void *fixture);
typedef bool (*ztest_suite_predicate_t)(const void *global_state);

struct ztest_suite_node {
	const char *const name;
	const ztest_suite_setup_t setup;
	const ztest_suite_before_t before;
	const ztest_suite_after_t after;
	const ztest_suite_teardown_t teardown;
	const ztest_suite_predicate_t predicate;
	struct ztest_suite_stats *const stats;
};

extern struct ztest_suite_node _ztest_suite_node_list_start[];
extern struct ztest_suite_node _ztest_suite_node_list_end[];
extern struct ztest_unit_test _ztest_unit_test_list_start[];
extern struct ztest_unit_test _ztest_unit_test_list_end[];
#define ZTEST_SUITE_COUNT (_ztest_suite_node_list_end - _ztest_suite_node_list_start)
#define ZTEST_TEST_COUNT (_ztest_unit_test_list_end - _ztest_unit_test_list_start)

/* A suite: its predicate (NULL: always runs), setup (returns the fixture the other
 * functions and the tests get), before and after each test, and teardown. */
#define ZTEST_SUITE(SUITE_NAME, PREDICATE, setup_fn, before_fn, after_fn, teardown_fn)      \
	struct ztest_suite_stats UTIL_CAT(z_ztest_suite_node_stats_, SUITE_NAME);           \
	static const STRUCT_SECTION_ITERABLE(ztest_suite_node,                              \
					     UTIL_CAT(z_ztest_test_node_, SUITE_NAME)) = {  \
		.name = STRINGIFY(SUITE_NAME),                                              \
		.setup = (setup_fn),                                                        \
		.before = (before_fn),                                                      \
		.after = (after_fn),                                                        \
		.teardown = (teardown_fn),                                                  \
		.predicate = PREDICATE,                                                     \
		.stats = &UTIL_CAT(z_ztest_suite_node_stats_, SUITE_NAME),                  \
	}

enum ztest_result {
	ZTEST_RESULT_PENDING,
	ZTEST_RESULT_PASS,
	ZTEST_RESULT_FAIL,
	ZTEST_RESULT_SKIP,
	ZTEST_RESULT_SUITE_SKIP,
	ZTEST_RESULT_SUITE_FAIL,
};

enum ztest_phase {
	TEST_PHASE_SETUP,
	TEST_PHASE_BEFORE,
	TEST_PHASE_TEST,
	TEST_PHASE_AFTER,
	TEST_PHASE_TEARDOWN,
	TEST_PHASE_FRAMEWORK,
};

/* Globals the tests share with the runner, user-mode tests included. */
#ifdef CONFIG_USERSPACE
#define ZTEST_DMEM K_APP_DMEM(ztest_mem_partition)
#define ZTEST_BMEM K_APP_BMEM(ztest_mem_partition)
#define ZTEST_SECTION K_APP_DMEM_SECTION(ztest_mem_partition)
extern struct k_mem_partition ztest_mem_partition;
#else
#define ZTEST_DMEM
#define ZTEST_BMEM
#define ZTEST_SECTION .data
#endif

int ztest_run_test_suites(const void *state, bool shuffle, int suite_iter, int case_iter);
void ztest_run_all(const void *state, bool shuffle, int suite_iter, int case_iter);
void ztest_verify_all_test_suites_ran(void);
int z_ztest_run_test_suite(const char *name, bool shuffle, int suite_iter, int case_iter);
struct ztest_unit_test *z_ztest_get_next_test(const char *suite, struct ztest_unit_test *prev);
void __ztest_set_test_result(enum ztest_result new_result);
void __ztest_set_test_phase(enum ztest_phase new_phase);
void test_main(void);

void ztest_test_fail(void);
void ztest_test_pass(void);
void ztest_test_skip(void);
void ztest_test_expect_fail(void);
void ztest_skip_failed_assumption(void);

#define Z_TEST(suite, fn, t_options, use_fixture)                                          \
	struct ztest_unit_test_stats z_ztest_unit_test_stats_##suite##_##fn;               \
	static void _##suite##_##fn##_wrapper(void *data);                                 \
	static void suite##_##fn(                                                          \
		COND_CODE_1(use_fixture, (struct suite##_fixture *fixture), (void)));      \
	static STRUCT_SECTION_ITERABLE(ztest_unit_test, z_ztest_unit_test__##suite##__##fn) = { \
		.test_suite_name = STRINGIFY(suite),                                       \
		.name = STRINGIFY(fn),                                                     \
		.test = (_##suite##_##fn##_wrapper),                                       \
		.thread_options = t_options,                                               \
		.stats = &z_ztest_unit_test_stats_##suite##_##fn,                          \
	};                                                                                 \
	static void _##suite##_##fn##_wrapper(void *wrapper_data)                          \
	{                                                                                  \
		COND_CODE_1(use_fixture,                                                   \
			    (suite##_##fn((struct suite##_fixture *)wrapper_data);),       \
			    (ARG_UNUSED(wrapper_data); suite##_##fn();))                   \
	}                                                                                  \
	static inline void suite##_##fn(                                                   \
		COND_CODE_1(use_fixture, (struct suite##_fixture *fixture), (void)))

#define Z_ZTEST(suite, fn, t_options) Z_TEST(suite, fn, t_options, 0)
#define Z_ZTEST_F(suite, fn, t_options) Z_TEST(suite, fn, t_options, 1)

/* ZTEST runs the test in a supervisor thread; ZTEST_USER in a user thread (with user
 * mode configured); the _F forms pass the suite's fixture as `fixture`. */
#define ZTEST(suite, fn) Z_ZTEST(suite, fn, 0)
#define ZTEST_USER(suite, fn) Z_ZTEST(suite, fn, K_USER)
#define ZTEST_F(suite, fn) Z_ZTEST_F(suite, fn, 0)
#define ZTEST_USER_F(suite, fn) Z_ZTEST_F(suite, fn, K_USER)

#define Z_TEST_SKIP_IFDEF(config) COND_CODE_1(config, (ztest_test_skip()), ())
#define Z_TEST_SKIP_IFNDEF(config) COND_CODE_1(config, (), (ztest_test_skip()))

typedef void (*ztest_rule_cb)(const struct ztest_unit_test *test, void *data);

struct ztest_test_rule {
	ztest_rule_cb before_each;
	ztest_rule_cb after_each;
};

/* Functions run before and after every test of every suite. */
#define ZTEST_RULE(name, before_each_fn, after_each_fn)                                \
	static STRUCT_SECTION_ITERABLE(ztest_test_rule, z_ztest_test_rule_##name) = {  \
		.before_each = (before_each_fn),                                       \
		.after_each = (after_each_fn),                                         \
	}

/* One CPU: nothing to hold on Levante's boards. */
static inline void z_test_1cpu_start(void) { }
static inline void z_test_1cpu_stop(void) { }
void ztest_simple_1cpu_before(void *data);
void ztest_simple_1cpu_after(void *data);

#define ztest_run_test_suite(suite, shuffle, suite_iter, case_iter) \
	z_ztest_run_test_suite(STRINGIFY(suite), shuffle, suite_iter, case_iter)

#endif
