/* Thread and scheduler semantics.  Prints "PASS <name>" or "FAIL <name>: expected X got Y". */
#include <zephyr/kernel.h>
#include <string.h>

static void check(const char *name, long long expected, long long actual)
{
	if (expected == actual) {
		printk("PASS %s\n", name);
	} else {
		printk("FAIL %s: expected %lld got %lld\n", name, expected, actual);
	}
}

static void check_str(const char *name, const char *expected, const char *actual)
{
	if (strcmp(expected, actual) == 0) {
		printk("PASS %s\n", name);
	} else {
		printk("FAIL %s: expected \"%s\" got \"%s\"\n", name, expected, actual);
	}
}

K_THREAD_STACK_ARRAY_DEFINE(stacks, 2, 1024);
static struct k_thread threads[2];
static volatile int flag;
static volatile int counter;
static volatile int32_t sleep_result;
static char log_buf[64];
static int log_len;

static void log_char(char c)
{
	if (log_len < (int)sizeof(log_buf) - 1) {
		log_buf[log_len++] = c;
		log_buf[log_len] = '\0';
	}
}

static void log_reset(void)
{
	log_len = 0;
	log_buf[0] = '\0';
}

static k_tid_t spawn(int index, k_thread_entry_t entry, void *p1, int prio, k_timeout_t delay)
{
	return k_thread_create(&threads[index], stacks[index], K_THREAD_STACK_SIZEOF(stacks[index]),
			       entry, p1, NULL, NULL, prio, 0, delay);
}

static void set_flag(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	flag = 1;
}

static void sleep_forever_ish(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	k_msleep(1000);
}

static void test_create_start_join(void)
{
	flag = 0;
	k_tid_t tid = spawn(0, set_flag, NULL, K_PRIO_PREEMPT(1), K_FOREVER);

	check("create_returns_tid", (long long)(uintptr_t)&threads[0], (long long)(uintptr_t)tid);
	k_msleep(2);
	check("k_forever_not_started", 0, flag);
	check("join_unstarted_no_wait_ebusy", -EBUSY, k_thread_join(tid, K_NO_WAIT));
	k_thread_start(tid);
	check("started_waits_for_more_important_main", 0, flag);
	check("join_after_exit", 0, k_thread_join(tid, K_FOREVER));
	check("started_runs", 1, flag);
	check("join_dead_no_wait", 0, k_thread_join(tid, K_NO_WAIT));

	check("join_self_edeadlk", -EDEADLK, k_thread_join(k_current_get(), K_FOREVER));

	tid = spawn(0, sleep_forever_ish, NULL, K_PRIO_PREEMPT(1), K_NO_WAIT);
	check("join_live_no_wait_ebusy", -EBUSY, k_thread_join(tid, K_NO_WAIT));
	int64_t t0 = k_uptime_ticks();

	check("join_live_timeout_eagain", -EAGAIN, k_thread_join(tid, K_TICKS(3)));
	check("join_timeout_ticks", t0 + 1 + 3, k_uptime_ticks());
	k_thread_abort(tid);
	check("join_aborted", 0, k_thread_join(tid, K_FOREVER));

	/* A delayed start: runs once the delay has passed. */
	flag = 0;
	tid = spawn(0, set_flag, NULL, K_PRIO_PREEMPT(1), K_MSEC(5));
	k_msleep(3);
	check("delayed_not_yet", 0, flag);
	k_msleep(3);
	check("delayed_started", 1, flag);
	k_thread_join(tid, K_FOREVER);
}

static void count_forever(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (;;) {
		counter++;
		k_msleep(1);
	}
}

static void test_suspend_resume(void)
{
	counter = 0;
	k_tid_t tid = spawn(0, count_forever, NULL, K_PRIO_PREEMPT(1), K_NO_WAIT);

	k_msleep(5);
	check("worker_counting", 1, counter > 0);
	k_thread_suspend(tid);
	int frozen = counter;

	k_msleep(10);
	check("suspended_does_not_run", frozen, counter);
	k_thread_resume(tid);
	k_msleep(10);
	check("resumed_runs", 1, counter > frozen);
	k_thread_abort(tid);
	check("abort_then_join", 0, k_thread_join(tid, K_NO_WAIT));
}

static void test_priority(void)
{
	check("main_priority", 0, k_thread_priority_get(k_current_get()));
	k_thread_priority_set(k_current_get(), 4);
	check("priority_set_self", 4, k_thread_priority_get(k_current_get()));

	flag = 0;
	k_tid_t tid = spawn(0, set_flag, NULL, K_PRIO_PREEMPT(6), K_NO_WAIT);

	check("less_important_waits", 0, flag);
	k_thread_priority_set(tid, 2);
	check("priority_set_preempts", 1, flag); /* inside k_thread_priority_set */
	k_thread_join(tid, K_FOREVER);

	flag = 0;
	tid = spawn(0, set_flag, NULL, K_PRIO_PREEMPT(3), K_NO_WAIT);
	check("more_important_preempts_at_create", 1, flag);
	k_thread_join(tid, K_FOREVER);
	k_thread_priority_set(k_current_get(), 0);
}

static void yielder(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (int i = 0; i < 3; i++) {
		log_char((char)(uintptr_t)p1);
		k_yield();
	}
}

static void test_yield(void)
{
	log_reset();
	spawn(0, yielder, (void *)'A', K_PRIO_PREEMPT(3), K_NO_WAIT);
	spawn(1, yielder, (void *)'B', K_PRIO_PREEMPT(3), K_NO_WAIT);
	k_thread_join(&threads[0], K_FOREVER);
	k_thread_join(&threads[1], K_FOREVER);
	check_str("yield_alternates_equals", "ABABAB", log_buf);

	/* Yielding never hands the CPU to a less important thread. */
	flag = 0;
	k_tid_t tid = spawn(0, set_flag, NULL, K_PRIO_PREEMPT(5), K_NO_WAIT);

	k_yield();
	check("yield_skips_less_important", 0, flag);
	k_thread_join(tid, K_FOREVER);
	check("less_important_runs_when_main_blocks", 1, flag);
}

static void test_cooperative(void)
{
	k_thread_priority_set(k_current_get(), K_PRIO_COOP(10));
	flag = 0;
	k_tid_t tid = spawn(0, set_flag, NULL, K_PRIO_COOP(2), K_NO_WAIT);

	check("coop_not_preempted_at_create", 0, flag);
	k_busy_wait(2000);
	check("coop_not_preempted_by_ready_thread", 0, flag);
	k_yield();
	check("coop_yield_runs_more_important", 1, flag);
	k_thread_join(tid, K_FOREVER);
	k_thread_priority_set(k_current_get(), 0);
}

static void sleeper(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	sleep_result = k_msleep(100);
}

static void test_wakeup(void)
{
	sleep_result = -1;
	k_tid_t tid = spawn(0, sleeper, NULL, K_PRIO_PREEMPT(1), K_NO_WAIT);
	int64_t start = k_uptime_ticks();

	k_msleep(30);
	int64_t now = k_uptime_ticks();

	k_wakeup(tid);
	k_thread_join(tid, K_FOREVER);
	/* The sleeper's wake-up was due at tick start + 1 + 100 (the partial tick does
	 * not count); what is left of it is returned in milliseconds (1 tick = 1 ms). */
	check("wakeup_returns_remaining_ms", start + 1 + 100 - now, sleep_result);
	check("wakeup_early", 1, sleep_result > 60 && sleep_result < 100);

	sleep_result = -1;
	tid = spawn(0, sleeper, NULL, K_PRIO_PREEMPT(1), K_NO_WAIT);
	k_thread_join(tid, K_FOREVER);
	check("sleep_full_returns_0", 0, sleep_result);
}

#define SLICE_ITERATIONS 10

static void busy_worker(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (int i = 0; i < SLICE_ITERATIONS; i++) {
		k_busy_wait(1000); /* 1 ms of computing */
		log_char((char)(uintptr_t)p1);
	}
}

static int transitions(void)
{
	int count = 0;

	for (int i = 1; i < log_len; i++) {
		count += log_buf[i] != log_buf[i - 1];
	}
	return count;
}

static void run_busy_pair(void)
{
	log_reset();
	spawn(0, busy_worker, (void *)'A', K_PRIO_PREEMPT(5), K_NO_WAIT);
	spawn(1, busy_worker, (void *)'B', K_PRIO_PREEMPT(5), K_NO_WAIT);
	k_thread_join(&threads[0], K_FOREVER);
	k_thread_join(&threads[1], K_FOREVER);
}

static void test_time_slicing(void)
{
	k_sched_time_slice_set(0, 0);
	run_busy_pair();
	check_str("no_slicing_runs_to_completion", "AAAAAAAAAABBBBBBBBBB", log_buf);

	k_sched_time_slice_set(3, 0); /* 3 ms slices */
	run_busy_pair();
	printk("slicing log %s\n", log_buf);
	check("slicing_all_iterations", 2 * SLICE_ITERATIONS, log_len);
	/* A runs at most one 3 ms slice (3 iterations) before B gets the CPU. */
	check("slicing_b_before_a_4th", 1, strchr(log_buf, 'B') < log_buf + 4);
	check("slicing_interleaves", 1, transitions() >= 5);

	/* Threads more important than the slicing ceiling are not sliced. */
	k_sched_time_slice_set(3, 6);
	run_busy_pair();
	check_str("slicing_ceiling_exempts", "AAAAAAAAAABBBBBBBBBB", log_buf);
	k_sched_time_slice_set(0, 0);
}

static void test_names(void)
{
	char buf[32];

	check_str("main_name", "main", k_thread_name_get(k_current_get()));
	k_tid_t tid = spawn(0, set_flag, NULL, K_PRIO_PREEMPT(1), K_FOREVER);

	check("name_set", 0, k_thread_name_set(tid, "worker-1"));
	check_str("name_get", "worker-1", k_thread_name_get(tid));
	check("name_copy", 0, k_thread_name_copy(tid, buf, sizeof(buf)));
	check_str("name_copy_text", "worker-1", buf);
	check("name_copy_too_small_enospc", -ENOSPC, k_thread_name_copy(tid, buf, 4));
	check("name_set_long", 0,
	      k_thread_name_set(tid, "a-thread-name-much-longer-than-32-bytes"));
	check_str("name_truncated", "a-thread-name-much-longer-than-", k_thread_name_get(tid));
	check("name_set_self", 0, k_thread_name_set(NULL, "main-renamed"));
	check_str("name_self", "main-renamed", k_thread_name_get(k_current_get()));
	k_thread_name_set(NULL, "main");
	k_thread_abort(tid);
}

static void test_uptime(void)
{
	/* Threads always run inside a tick (a switch alone costs cycles), and a relative
	 * timeout counts whole ticks from the next tick boundary, as in Zephyr: the sleep
	 * ends exactly 10 ms after that boundary, so k_uptime_get() (which truncates)
	 * advances by 10 ms + the partial tick the sleep started in = 11 ms. */
	k_msleep(1);
	int64_t before = k_uptime_get();
	int32_t result = k_sleep(K_MSEC(10));
	int64_t after = k_uptime_get();

	check("sleep_returns_0", 0, result);
	check("sleep_10ms_uptime_delta", 10 + 1, after - before);

	uint32_t c0 = k_cycle_get_32();

	k_msleep(10);
	uint32_t elapsed_us = k_cyc_to_us_floor32(k_cycle_get_32() - c0);

	check("sleep_10ms_not_early", 1, elapsed_us >= 10000);
	check("sleep_10ms_within_a_tick", 1, elapsed_us < 11000 + 100);
	check("uptime_ms_matches_ticks", k_uptime_ticks() * 1000 / CONFIG_SYS_CLOCK_TICKS_PER_SEC,
	      k_uptime_get());
}

int main(void)
{
	test_create_start_join();
	test_suspend_resume();
	test_priority();
	test_yield();
	test_cooperative();
	test_wakeup();
	test_time_slicing();
	test_names();
	test_uptime();
	printk("DONE\n");
	return 0;
}
