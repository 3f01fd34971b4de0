/* ztest's runner (CONFIG_ZTEST): every suite in name order, each test in a thread of its
 * own (a user thread for ZTEST_USER), with the console lines of Zephyr's ztest so that
 * the same log parsers read them: START / PASS - name in s.mmm seconds, the suite
 * summary, PROJECT EXECUTION SUCCESSFUL or FAILED. */
#include <zephyr/kernel.h>

#ifdef CONFIG_ZTEST
#include <stdarg.h>
#include <string.h>
#include <zephyr/ztest.h>

enum ztest_status {
	ZTEST_STATUS_OK,
	ZTEST_STATUS_HAS_FAILURE,
	ZTEST_STATUS_CRITICAL_ERROR,
};

#ifdef CONFIG_ZTEST_FAIL_FAST
#define FAIL_FAST 1
#else
#define FAIL_FAST 0
#endif

const char z_ztest_no_message[] = "";

#ifdef CONFIG_USERSPACE
/* What tests share with the runner; every user thread's domain gets it (main()). */
K_APPMEM_PARTITION_DEFINE(ztest_mem_partition);
#endif

/* Written by the test thread too, in user mode for ZTEST_USER tests. */
ZTEST_DMEM enum ztest_phase cur_phase = TEST_PHASE_FRAMEWORK;
static ZTEST_BMEM enum ztest_result test_result;
static ZTEST_BMEM enum ztest_status test_status;
static ZTEST_BMEM bool failed_expectation;
static ZTEST_BMEM bool current_test_failed_assumption;

static struct k_thread ztest_thread;
K_THREAD_STACK_DEFINE(ztest_thread_stack, CONFIG_ZTEST_STACK_SIZE + CONFIG_TEST_EXTRA_STACK_SIZE);

extern struct ztest_test_rule _ztest_test_rule_list_start[];
extern struct ztest_test_rule _ztest_test_rule_list_end[];
extern struct ztest_expected_result_entry _ztest_expected_result_entry_list_start[];
extern struct ztest_expected_result_entry _ztest_expected_result_entry_list_end[];

void __ztest_set_test_result(enum ztest_result new_result)
{
	test_result = new_result;
}

void __ztest_set_test_phase(enum ztest_phase new_phase)
{
	cur_phase = new_phase;
}

const char *ztest_relative_filename(const char *file)
{
	return file;
}

static const char *phase_name(enum ztest_phase phase)
{
	switch (phase) {
	case TEST_PHASE_SETUP:
		return "setup";
	case TEST_PHASE_BEFORE:
		return "before";
	case TEST_PHASE_TEST:
		return "test";
	case TEST_PHASE_AFTER:
		return "after";
	case TEST_PHASE_TEARDOWN:
		return "teardown";
	case TEST_PHASE_FRAMEWORK:
		return "framework";
	default:
		return "(unknown)";
	}
}

/* The test thread ends here: from inside it (a failed assertion) or from an ISR. */
static void test_finalize(void)
{
	k_thread_abort(&ztest_thread);
	if (k_is_in_isr()) {
		return;
	}
	k_thread_abort(k_current_get());
	CODE_UNREACHABLE;
}

static void cannot_in_phase(const char *what)
{
	printk(" ERROR: cannot %s in test phase '%s()', bailing\n", what, phase_name(cur_phase));
	test_status = ZTEST_STATUS_CRITICAL_ERROR;
}

void ztest_test_fail(void)
{
	switch (cur_phase) {
	case TEST_PHASE_SETUP:
		__ztest_set_test_result(ZTEST_RESULT_SUITE_FAIL);
		break;
	case TEST_PHASE_BEFORE:
	case TEST_PHASE_TEST:
		__ztest_set_test_result(ZTEST_RESULT_FAIL);
		test_finalize();
		break;
	default:
		cannot_in_phase("fail");
		break;
	}
}

void ztest_test_pass(void)
{
	if (cur_phase == TEST_PHASE_TEST) {
		__ztest_set_test_result(ZTEST_RESULT_PASS);
		test_finalize();
		return;
	}
	cannot_in_phase("pass");
	if (cur_phase == TEST_PHASE_BEFORE) {
		test_finalize();
	}
}

void ztest_test_skip(void)
{
	switch (cur_phase) {
	case TEST_PHASE_SETUP:
		__ztest_set_test_result(ZTEST_RESULT_SUITE_SKIP);
		break;
	case TEST_PHASE_BEFORE:
	case TEST_PHASE_TEST:
		__ztest_set_test_result(ZTEST_RESULT_SKIP);
		test_finalize();
		break;
	default:
		cannot_in_phase("skip");
		break;
	}
}

void ztest_test_expect_fail(void)
{
	failed_expectation = true;
}

void ztest_skip_failed_assumption(void)
{
#ifdef CONFIG_ZTEST_FAIL_ON_ASSUME
	current_test_failed_assumption = true;
#endif
	ztest_test_skip();
}

void ztest_simple_1cpu_before(void *data)
{
	ARG_UNUSED(data);
	z_test_1cpu_start();
}

void ztest_simple_1cpu_after(void *data)
{
	ARG_UNUSED(data);
	z_test_1cpu_stop();
}

/* ---- assertions ------------------------------------------------------------------- */

/* `kind` failed: where, the check's own words, and the caller's message if it gave one
 * (the first of `args`, or z_ztest_no_message). */
static void report(const char *kind, const char *default_msg, const char *file, int line,
		   const char *func, va_list args)
{
#if CONFIG_ZTEST_ASSERT_VERBOSE == 0
	ARG_UNUSED(default_msg);
	ARG_UNUSED(func);
	ARG_UNUSED(args);
	printk("\n    %s failed at %s:%d\n", kind, ztest_relative_filename(file), line);
#else
	const char *msg = va_arg(args, const char *);
	bool has_msg = msg != NULL && msg != z_ztest_no_message;

	printk(has_msg ? "\n    %s failed at %s:%d: %s: (%s)\n" : "\n    %s failed at %s:%d: %s: %s\n",
	       kind, ztest_relative_filename(file), line, func, default_msg);
	if (has_msg) {
		vprintk(msg, args);
	}
	printk("\n");
#endif
}

static void report_success(const char *kind, const char *file, int line, const char *func)
{
#if CONFIG_ZTEST_ASSERT_VERBOSE == 2
	printk("\n   %s succeeded at %s:%d (%s)\n", kind, ztest_relative_filename(file), line, func);
#else
	ARG_UNUSED(kind);
	ARG_UNUSED(file);
	ARG_UNUSED(line);
	ARG_UNUSED(func);
#endif
}

bool z_zassert(bool cond, const char *default_msg, const char *file, int line, const char *func,
	       ...)
{
	if (cond) {
		report_success("Assertion", file, line, func);
		return true;
	}
	va_list args;

	va_start(args, func);
	report("Assertion", default_msg, file, line, func, args);
	va_end(args);
	ztest_test_fail();
	return false;
}

bool z_zassume(bool cond, const char *default_msg, const char *file, int line, const char *func,
	       ...)
{
	if (cond) {
		report_success("Assumption", file, line, func);
		return true;
	}
	va_list args;

	va_start(args, func);
	report("Assumption", default_msg, file, line, func, args);
	va_end(args);
	ztest_skip_failed_assumption();
	return false;
}

bool z_zexpect(bool cond, const char *default_msg, const char *file, int line, const char *func,
	       ...)
{
	if (cond) {
		report_success("Expectation", file, line, func);
		return true;
	}
	va_list args;

	va_start(args, func);
	report("Expectation", default_msg, file, line, func, args);
	va_end(args);
	ztest_test_expect_fail();
	return false;
}

/* ---- running one test ------------------------------------------------------------- */

static void run_test_rules(bool before, struct ztest_unit_test *test, void *data)
{
	for (struct ztest_test_rule *rule = _ztest_test_rule_list_start;
	     rule < _ztest_test_rule_list_end; ++rule) {
		if (before && rule->before_each != NULL) {
			rule->before_each(test, data);
		} else if (!before && rule->after_each != NULL) {
			rule->after_each(test, data);
		}
	}
}

/* The test thread: the rules and `before` run privileged, then a ZTEST_USER test drops
 * to user mode and comes back here to run the test itself. */
static void test_cb(void *a, void *b, void *c)
{
	struct ztest_suite_node *suite = a;
	struct ztest_unit_test *test = b;

	if (!IS_ENABLED(CONFIG_USERSPACE) || !k_is_user_context()) {
		__ztest_set_test_result(ZTEST_RESULT_PENDING);
		run_test_rules(true, test, c);
		if (suite->before != NULL) {
			suite->before(c);
		}
		if (IS_ENABLED(CONFIG_USERSPACE) && (test->thread_options & K_USER) != 0) {
			k_thread_user_mode_enter(test_cb, a, b, c);
		}
	}
	__ztest_set_test_phase(TEST_PHASE_TEST);
	test->test(c);
	__ztest_set_test_result(ZTEST_RESULT_PASS);
}

/* ZTEST_EXPECT_FAIL / ZTEST_EXPECT_SKIP turn the expected outcome into a pass. */
static int final_result(const struct ztest_unit_test *test, int ret)
{
	for (struct ztest_expected_result_entry *expectation =
		     _ztest_expected_result_entry_list_start;
	     expectation < _ztest_expected_result_entry_list_end; ++expectation) {
		if (strcmp(expectation->test_name, test->name) != 0 ||
		    strcmp(expectation->test_suite_name, test->test_suite_name) != 0) {
			continue;
		}
		if (expectation->expected_result == ZTEST_EXPECTED_RESULT_FAIL) {
			return ret == TC_FAIL ? TC_PASS : TC_FAIL;
		}
		return ret == TC_SKIP ? TC_PASS : TC_FAIL;
	}
	return ret;
}

static int run_test(struct ztest_suite_node *suite, struct ztest_unit_test *test, void *data)
{
	int ret = TC_PASS;

#if CONFIG_ZTEST_TEST_DELAY_MS > 0
	k_busy_wait(CONFIG_ZTEST_TEST_DELAY_MS * USEC_PER_MSEC);
#endif
	TC_START(test->name);
	__ztest_set_test_phase(TEST_PHASE_BEFORE);
	get_start_time_cyc();
	k_thread_create(&ztest_thread, ztest_thread_stack, K_THREAD_STACK_SIZEOF(ztest_thread_stack),
			test_cb, suite, test, data, CONFIG_ZTEST_THREAD_PRIORITY, K_INHERIT_PERMS,
			K_FOREVER);
	k_thread_access_grant(&ztest_thread, suite, test, suite->stats);
	if (test->name != NULL) {
		k_thread_name_set(&ztest_thread, test->name);
	}
	/* A suite whose setup failed or skipped runs none of its tests. */
	if (test_result != ZTEST_RESULT_SUITE_SKIP && test_result != ZTEST_RESULT_SUITE_FAIL) {
		k_thread_start(&ztest_thread);
		k_thread_join(&ztest_thread, K_FOREVER);
	}

	__ztest_set_test_phase(TEST_PHASE_AFTER);
	if (suite->after != NULL) {
		suite->after(data);
	}
	run_test_rules(false, test, data);

	get_test_duration_ms();
	if (tc_spend_time > test->stats->duration_worst_ms) {
		test->stats->duration_worst_ms = tc_spend_time;
	}
	__ztest_set_test_phase(TEST_PHASE_FRAMEWORK);

	if (test_result == ZTEST_RESULT_FAIL || test_result == ZTEST_RESULT_SUITE_FAIL ||
	    failed_expectation) {
		ret = TC_FAIL;
		failed_expectation = false;
	} else if (test_result == ZTEST_RESULT_SKIP || test_result == ZTEST_RESULT_SUITE_SKIP) {
		ret = TC_SKIP;
	}
	/* The thread is gone (or, never started, goes now). */
	k_thread_abort(&ztest_thread);

	ret = final_result(test, ret);
	Z_TC_END_RESULT(ret, test->name);
	if (ret == TC_SKIP && current_test_failed_assumption) {
		test_status = ZTEST_STATUS_HAS_FAILURE;
	}
	return ret;
}

/* ---- suites ----------------------------------------------------------------------- */

static struct ztest_suite_node *find_suite(const char *name)
{
	for (struct ztest_suite_node *node = _ztest_suite_node_list_start;
	     node < _ztest_suite_node_list_end; ++node) {
		if (strcmp(name, node->name) == 0) {
			return node;
		}
	}
	return NULL;
}

struct ztest_unit_test *z_ztest_get_next_test(const char *suite, struct ztest_unit_test *prev)
{
	struct ztest_unit_test *test = prev == NULL ? _ztest_unit_test_list_start : prev + 1;

	for (; test < _ztest_unit_test_list_end; ++test) {
		if (strcmp(suite, test->test_suite_name) == 0) {
			return test;
		}
	}
	return NULL;
}

static int run_suite(struct ztest_suite_node *suite, int case_iter)
{
	struct ztest_unit_test *test = NULL;
	void *data = NULL;
	int fail = 0;

	if (FAIL_FAST && test_status != ZTEST_STATUS_OK) {
		return test_status;
	}
	if (suite == NULL) {
		test_status = ZTEST_STATUS_CRITICAL_ERROR;
		return -1;
	}
	/* User-mode tests may name their own thread (k_current_get() and the like). */
	k_object_access_all_grant(&ztest_thread);

	TC_SUITE_START(suite->name);
	current_test_failed_assumption = false;
	__ztest_set_test_result(ZTEST_RESULT_PENDING);
	__ztest_set_test_phase(TEST_PHASE_SETUP);
	if (suite->setup != NULL) {
		data = suite->setup();
	}

	for (int i = 0; i < case_iter; i++) {
		while ((test = z_ztest_get_next_test(suite->name, test)) != NULL) {
			int result;

			test->stats->run_count++;
			result = run_test(suite, test, data);
			if (result == TC_PASS) {
				test->stats->pass_count++;
			} else if (result == TC_SKIP) {
				test->stats->skip_count++;
			} else {
				test->stats->fail_count++;
				fail++;
			}
			if ((fail && FAIL_FAST) || test_status == ZTEST_STATUS_CRITICAL_ERROR) {
				break;
			}
		}
		if (test_status == ZTEST_STATUS_OK && fail != 0) {
			test_status = ZTEST_STATUS_HAS_FAILURE;
		}
	}

	TC_SUITE_END(suite->name, fail > 0 ? TC_FAIL : TC_PASS);
	__ztest_set_test_phase(TEST_PHASE_TEARDOWN);
	if (suite->teardown != NULL) {
		suite->teardown(data);
	}
	return fail;
}

int z_ztest_run_test_suite(const char *name, bool shuffle, int suite_iter, int case_iter)
{
	ARG_UNUSED(shuffle);
	ARG_UNUSED(suite_iter);
	return run_suite(find_suite(name), case_iter);
}

static void reset_stats(struct ztest_suite_node *suite)
{
	struct ztest_unit_test *test = NULL;

	while ((test = z_ztest_get_next_test(suite->name, test)) != NULL) {
		memset(test->stats, 0, sizeof(*test->stats));
	}
}

int ztest_run_test_suites(const void *state, bool shuffle, int suite_iter, int case_iter)
{
	int count = 0;

	ARG_UNUSED(shuffle); /* CONFIG_ZTEST_SHUFFLE is not provided: name order */
	if (test_status == ZTEST_STATUS_CRITICAL_ERROR) {
		return count;
	}
	for (struct ztest_suite_node *suite = _ztest_suite_node_list_start;
	     suite < _ztest_suite_node_list_end; ++suite) {
		reset_stats(suite);
		for (int i = 0; i < suite_iter; i++) {
			if (suite->predicate != NULL && !suite->predicate(state)) {
				suite->stats->skip_count++;
				continue;
			}
			int fail = run_suite(suite, case_iter);

			count++;
			suite->stats->run_count++;
			suite->stats->fail_count += fail != 0 ? 1 : 0;
		}
		if (test_status == ZTEST_STATUS_CRITICAL_ERROR ||
		    (test_status == ZTEST_STATUS_HAS_FAILURE && FAIL_FAST)) {
			break;
		}
	}
	return count;
}

void ztest_run_all(const void *state, bool shuffle, int suite_iter, int case_iter)
{
	ztest_run_test_suites(state, shuffle, suite_iter, case_iter);
}

void ztest_verify_all_test_suites_ran(void)
{
	bool all_ran = true;

#ifdef CONFIG_ZTEST_VERIFY_RUN_ALL
	for (struct ztest_suite_node *suite = _ztest_suite_node_list_start;
	     suite < _ztest_suite_node_list_end; ++suite) {
		if (suite->stats->run_count < 1) {
			printk("ERROR: Test suite '%s' did not run.\n", suite->name);
			all_ran = false;
		}
	}
	for (struct ztest_unit_test *test = _ztest_unit_test_list_start;
	     test < _ztest_unit_test_list_end; ++test) {
		if (find_suite(test->test_suite_name) == NULL) {
			printk("ERROR: Test '%s' assigned to test suite '%s' which doesn't exist\n",
			       test->name, test->test_suite_name);
			all_ran = false;
		}
	}
#endif
	if (!all_ran) {
		test_status = ZTEST_STATUS_HAS_FAILURE;
	}
	for (struct ztest_unit_test *test = _ztest_unit_test_list_start;
	     test < _ztest_unit_test_list_end; ++test) {
		const struct ztest_unit_test_stats *stats = test->stats;

		if (stats->fail_count + stats->pass_count + stats->skip_count != stats->run_count) {
			printk("Bad stats for %s.%s\n", test->test_suite_name, test->name);
			test_status = ZTEST_STATUS_HAS_FAILURE;
		}
	}
}

/* ---- the summary ------------------------------------------------------------------ */

static void show_suite_summary(struct ztest_suite_node *suite)
{
	int pass = 0, fail = 0, skip = 0, total = 0;
	int major = 0, minor = 0;
	int suite_result;
	unsigned int duration_ms = 0;
	struct ztest_unit_test *test = NULL;

	while ((test = z_ztest_get_next_test(suite->name, test)) != NULL) {
		total++;
		duration_ms += test->stats->duration_worst_ms;
		if (test->stats->skip_count == test->stats->run_count) {
			skip++;
		} else if (test->stats->pass_count == test->stats->run_count) {
			pass++;
		} else {
			fail++;
		}
	}
	if (skip == total) {
		suite_result = TC_SKIP;
	} else {
		/* The pass rate of the tests that ran, to two decimals, rounded half up. */
		int rate = pass * 100000 / (total - skip);

		suite_result = fail > 0 ? TC_FAIL : TC_PASS;
		major = rate / 1000;
		minor = (rate % 1000) / 10;
		if (rate % 10 >= 5) {
			minor++;
		}
	}
	TC_SUMMARY_PRINT("SUITE %s - %3d.%02d%% [%s]: pass = %d, fail = %d, skip = %d, "
			 "total = %d duration = %u.%03u seconds\n",
			 TC_RESULT_TO_STR(suite_result), major, minor, suite->name, pass, fail,
			 skip, total, duration_ms / 1000, duration_ms % 1000);
#ifdef CONFIG_ZTEST_VERBOSE_SUMMARY
	test = NULL;
	while ((test = z_ztest_get_next_test(suite->name, test)) != NULL) {
		const struct ztest_unit_test_stats *stats = test->stats;
		int result;

		if (stats->skip_count == stats->run_count) {
			result = TC_SKIP;
		} else if (stats->pass_count == stats->run_count) {
			result = TC_PASS;
		} else if (stats->pass_count == 0) {
			result = TC_FAIL;
		} else {
			result = TC_FLAKY;
		}
		if (result == TC_FLAKY) {
			TC_SUMMARY_PRINT(" - %s - [%s.%s] - (Failed %d of %d attempts) - duration = "
					 "%u.%03u seconds\n",
					 TC_RESULT_TO_STR(result), test->test_suite_name, test->name,
					 (int)(stats->run_count - stats->pass_count),
					 (int)stats->run_count, stats->duration_worst_ms / 1000,
					 stats->duration_worst_ms % 1000);
		} else {
			TC_SUMMARY_PRINT(" - %s - [%s.%s] duration = %u.%03u seconds\n",
					 TC_RESULT_TO_STR(result), test->test_suite_name, test->name,
					 stats->duration_worst_ms / 1000,
					 stats->duration_worst_ms % 1000);
		}
	}
	TC_SUMMARY_PRINT("\n");
#endif
}

static void end_report(void)
{
#ifdef CONFIG_ZTEST_SUMMARY
	TC_SUMMARY_PRINT("\n------ TESTSUITE SUMMARY START ------\n\n");
	for (struct ztest_suite_node *suite = _ztest_suite_node_list_start;
	     suite < _ztest_suite_node_list_end; ++suite) {
		show_suite_summary(suite);
	}
	TC_SUMMARY_PRINT("------ TESTSUITE SUMMARY END ------\n\n");
#endif
	TC_END_REPORT(test_status != ZTEST_STATUS_OK ? TC_FAIL : TC_PASS);
}

/* ---- the entry -------------------------------------------------------------------- */

/* An application may define its own test_main (the older ztest API does). */
__weak void test_main(void)
{
	ztest_run_all(NULL, false, 1, 1);
	ztest_verify_all_test_suites_ran();
}

__weak int main(void)
{
#ifdef CONFIG_USERSPACE
	k_mem_domain_add_partition(&k_mem_domain_default, &ztest_mem_partition);
#endif
	test_main();
	end_report();
	return 0;
}

/* ---- expected faults (CONFIG_ZTEST_FATAL_HOOK) ------------------------------------ */

#ifdef CONFIG_ZTEST_FATAL_HOOK
static ZTEST_BMEM volatile bool fault_in_isr;
static ZTEST_BMEM volatile k_tid_t valid_fault_tid;

void ztest_set_fault_valid(bool valid)
{
	if (!valid) {
		valid_fault_tid = NULL;
		fault_in_isr = false;
	} else if (k_is_in_isr()) {
		fault_in_isr = true;
	} else {
		valid_fault_tid = k_current_get();
	}
}

__weak void ztest_post_fatal_error_hook(unsigned int reason, const struct arch_esf *pEsf)
{
	ARG_UNUSED(reason);
	ARG_UNUSED(pEsf);
}

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *pEsf)
{
	bool expected = k_current_get() == valid_fault_tid || fault_in_isr;

	printk("Caught system error -- reason %d %d\n", reason, expected);
	if (!expected) {
		printk("Fatal error was unexpected, aborting...\n");
		k_fatal_halt(reason);
	}
	printk("Fatal error expected as part of test case.\n");
	valid_fault_tid = NULL;
	fault_in_isr = false;
	ztest_post_fatal_error_hook(reason, pEsf);
}
#endif

/* ---- expected assertion failures (CONFIG_ZTEST_ASSERT_HOOK) ----------------------- */

#ifdef CONFIG_ZTEST_ASSERT_HOOK
static ZTEST_BMEM volatile bool assert_in_isr;
static ZTEST_BMEM volatile k_tid_t valid_assert_tid;

void ztest_set_assert_valid(bool valid)
{
	if (!valid) {
		valid_assert_tid = NULL;
		assert_in_isr = false;
	} else if (k_is_in_isr()) {
		assert_in_isr = true;
	} else {
		valid_assert_tid = k_current_get();
	}
}

__weak void ztest_post_assert_fail_hook(void)
{
	k_thread_abort(k_current_get());
	CODE_UNREACHABLE;
}

void assert_post_action(const char *file, unsigned int line)
{
	ARG_UNUSED(file);
	ARG_UNUSED(line);
	printk("Caught assert failed\n");
	if (k_current_get() == valid_assert_tid || assert_in_isr) {
		printk("Assert error expected as part of test case.\n");
		valid_assert_tid = NULL;
		assert_in_isr = false;
		ztest_post_assert_fail_hook();
	} else {
		printk("Assert failed was unexpected, aborting...\n");
		k_panic();
	}
}
#endif

#endif /* CONFIG_ZTEST */
