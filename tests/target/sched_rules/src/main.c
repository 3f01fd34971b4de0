/* The scheduler's rules: meta-IRQ threads preempt cooperative ones and give the CPU
 * back to the one they preempted; deadlines order equal priorities; a thread's own time
 * slice calls its function in interrupt context; CPU masks; k_wakeup; the thread state
 * the kernel shows in struct k_thread; and what a user thread may not do. */
#include <zephyr/ztest.h>
#include <kernel_internal.h>
#include <ksched.h>

#define STACK_SIZE 1024
#define METAIRQ_PRIO K_HIGHEST_THREAD_PRIO /* the one meta-IRQ priority */

static struct k_thread threads[3];
static K_THREAD_STACK_ARRAY_DEFINE(stacks, 3, STACK_SIZE);
static struct k_thread user_thread;
static K_THREAD_STACK_DEFINE(user_stack, STACK_SIZE);

K_SEM_DEFINE(metairq_sem, 0, 1);
K_SEM_DEFINE(coop_sem, 0, 1);
K_SEM_DEFINE(blocker, 0, 1);

/* What ran, in order. */
static char order[8];
static int order_length;

static void note(char what)
{
	if (order_length < (int)sizeof(order) - 1) {
		order[order_length++] = what;
	}
}

static void reset_order(void)
{
	memset(order, 0, sizeof(order));
	order_length = 0;
}

static k_tid_t spawn(int index, k_thread_entry_t entry, int prio, k_timeout_t delay)
{
	return k_thread_create(&threads[index], stacks[index], STACK_SIZE, entry,
			       INT_TO_POINTER(index), NULL, NULL, prio, 0, delay);
}

static void metairq_entry(void *p1, void *p2, void *p3)
{
	k_sem_take(&metairq_sem, K_FOREVER);
	note('M');
	k_sem_give(&coop_sem); /* readies a cooperative thread more important than A */
	note('m');
}

static void coop_b_entry(void *p1, void *p2, void *p3)
{
	k_sem_take(&coop_sem, K_FOREVER);
	note('B');
}

static void coop_a_entry(void *p1, void *p2, void *p3)
{
	note('A');
	k_sem_give(&metairq_sem); /* the meta-IRQ thread preempts at once */
	note('a');
	k_yield(); /* now the more important B runs */
	note('z');
}

ZTEST(sched_rules, test_metairq_preempts_cooperative_and_returns_to_it)
{
	reset_order();
	spawn(0, metairq_entry, METAIRQ_PRIO, K_NO_WAIT);
	spawn(1, coop_b_entry, K_PRIO_COOP(2), K_NO_WAIT);
	k_msleep(1); /* both wait on their semaphores */
	spawn(2, coop_a_entry, K_PRIO_COOP(5), K_NO_WAIT);
	for (int i = 0; i < 3; i++) {
		k_thread_join(&threads[i], K_FOREVER);
	}
	/* M preempted A although A is cooperative; when M ended, A (the preempted
	 * thread) resumed before B, which is more important but was not preempted. */
	zassert_str_equal(order, "AMmaBz");
}

static void deadline_entry(void *p1, void *p2, void *p3)
{
	note('0' + POINTER_TO_INT(p1));
}

ZTEST(sched_rules, test_deadlines_order_equal_priorities)
{
	static const int deadlines[3] = { 30000, 10000, 20000 };

	reset_order();
	for (int i = 0; i < 3; i++) {
		spawn(i, deadline_entry, K_PRIO_PREEMPT(1), K_FOREVER);
		k_thread_deadline_set(&threads[i], deadlines[i]);
		k_thread_start(&threads[i]);
	}
	k_msleep(1);
	zassert_str_equal(order, "120");
	/* Equal deadlines keep queue order. */
	reset_order();
	for (int i = 0; i < 3; i++) {
		spawn(i, deadline_entry, K_PRIO_PREEMPT(1), K_FOREVER);
		k_thread_deadline_set(&threads[i], 5000);
		k_thread_start(&threads[i]);
	}
	k_msleep(1);
	zassert_str_equal(order, "012");
}

static volatile int slice_ends;
static volatile int slice_end_in_isr;
static void *volatile slice_end_data;
static struct k_thread *volatile slice_end_thread;
static volatile bool spinner_stop;

static void slice_expired(struct k_thread *thread, void *data)
{
	slice_ends++;
	slice_end_in_isr = k_is_in_isr();
	slice_end_thread = thread;
	slice_end_data = data;
}

static void spinner_entry(void *p1, void *p2, void *p3)
{
	while (!spinner_stop) {
	}
}

static void bystander_entry(void *p1, void *p2, void *p3)
{
	note('b');
	spinner_stop = true;
}

ZTEST(sched_rules, test_a_threads_own_slice_calls_its_function_then_rotates)
{
	static int cookie;

	reset_order();
	slice_ends = 0;
	spinner_stop = false;
	spawn(0, spinner_entry, K_PRIO_PREEMPT(2), K_FOREVER);
	/* A cooperative priority would never be sliced by the global rule. */
	k_thread_time_slice_set(&threads[0], 3, slice_expired, &cookie);
	spawn(1, bystander_entry, K_PRIO_PREEMPT(2), K_FOREVER);
	k_thread_start(&threads[0]);
	k_thread_start(&threads[1]);
	k_thread_join(&threads[0], K_FOREVER);
	k_thread_join(&threads[1], K_FOREVER);
	zassert_equal(slice_ends, 1, "%d slice ends", slice_ends);
	zassert_equal(slice_end_in_isr, 1);
	zassert_equal_ptr(slice_end_thread, &threads[0]);
	zassert_equal_ptr(slice_end_data, &cookie);
	zassert_str_equal(order, "b");
}

static volatile bool masked_ran;

static void masked_entry(void *p1, void *p2, void *p3)
{
	masked_ran = true;
}

ZTEST(sched_rules, test_a_thread_without_cpu_0_does_not_run)
{
	masked_ran = false;
	zassert_equal(k_thread_cpu_mask_clear(k_current_get()), -EINVAL,
		      "a running thread's mask is fixed");
	spawn(0, masked_entry, K_PRIO_PREEMPT(0), K_FOREVER);
	zassert_ok(k_thread_cpu_mask_clear(&threads[0]));
	k_thread_start(&threads[0]);
	k_msleep(1);
	zassert_false(masked_ran);
	zassert_true(z_is_thread_queued(&threads[0]), "started, not runnable");
	k_thread_suspend(&threads[0]);
	zassert_ok(k_thread_cpu_pin(&threads[0], 0));
	k_thread_resume(&threads[0]);
	k_msleep(1);
	zassert_true(masked_ran);
}

static void forever_sleeper(void *p1, void *p2, void *p3)
{
	k_sleep(K_FOREVER);
	note('w');
}

static void sem_waiter(void *p1, void *p2, void *p3)
{
	k_sem_take(&blocker, K_FOREVER);
	note('s');
}

ZTEST(sched_rules, test_wakeup_resumes_a_forever_sleeper_and_leaves_a_waiter)
{
	char state[32];

	reset_order();
	spawn(0, forever_sleeper, K_PRIO_PREEMPT(0), K_NO_WAIT);
	spawn(1, sem_waiter, K_PRIO_PREEMPT(0), K_NO_WAIT);
	k_msleep(1);
	zassert_str_equal(k_thread_state_str(&threads[0], state, sizeof(state)),
			  "suspended");
	zassert_str_equal(k_thread_state_str(&threads[1], state, sizeof(state)), "pending");
	k_wakeup(&threads[1]); /* waiting on an object: left alone */
	k_wakeup(&threads[0]);
	k_msleep(1);
	zassert_str_equal(order, "w");
	zassert_true(z_is_thread_pending(&threads[1]));
	k_sem_give(&blocker);
	k_thread_join(&threads[1], K_FOREVER);
	zassert_str_equal(order, "ws");
	zassert_str_equal(k_thread_state_str(&threads[1], state, sizeof(state)), "dead");
	zassert_str_equal(k_thread_state_str(&threads[1], state, 3), "de");
}

static void delayed_entry(void *p1, void *p2, void *p3)
{
}

ZTEST(sched_rules, test_thread_state_the_kernel_shows)
{
	k_tid_t main_thread = &z_main_thread;

	zassert_false(z_is_thread_essential(k_current_get()));
	z_thread_essential_set(k_current_get());
	zassert_true(z_is_thread_essential(k_current_get()));
	zassert_equal(k_current_get()->base.user_options & K_ESSENTIAL, K_ESSENTIAL);
	z_thread_essential_clear(k_current_get());
	zassert_false(z_is_thread_essential(k_current_get()));
	/* main started this (more important) thread and has not come to join it yet. */
	zassert_true(z_is_thread_queued(main_thread));
	zassert_false(z_is_thread_pending(main_thread));

	spawn(0, delayed_entry, K_PRIO_PREEMPT(0), K_MSEC(50));
	zassert_false(z_has_thread_started(&threads[0]));
	int64_t expires = k_thread_timeout_expires_ticks(&threads[0]);

	zassert_true(expires >= k_uptime_ticks() + k_ms_to_ticks_ceil32(50));
	/* Counted from the end of the current tick, as every relative timeout is. */
	k_ticks_t remaining = k_thread_timeout_remaining_ticks(&threads[0]);

	zassert_true(remaining > 0 && remaining <= k_ms_to_ticks_ceil32(50) + 1);
	k_thread_abort(&threads[0]);
	zassert_equal(k_thread_timeout_expires_ticks(&threads[0]), 0);
	zassert_true(_is_valid_prio(K_LOWEST_APPLICATION_THREAD_PRIO, NULL));
	zassert_false(_is_valid_prio(K_IDLE_PRIO, NULL));
	zassert_true(Z_VALID_PRIO(K_IDLE_PRIO, idle));
	zassert_equal(k_float_disable(k_current_get()), -ENOTSUP);
}

enum hostile { NULL_THREAD, ZERO_DEADLINE, FLOAT_OF_NULL };

static void hostile_entry(void *p1, void *p2, void *p3)
{
	ztest_set_fault_valid(true);
	switch (POINTER_TO_INT(p1)) {
	case NULL_THREAD:
		(void)k_thread_priority_get(NULL);
		break;
	case ZERO_DEADLINE:
		k_thread_deadline_set(k_current_get(), 0);
		break;
	default:
		(void)k_float_disable(NULL);
		break;
	}
	ztest_test_fail(); /* the call should have faulted this thread */
}

static void run_hostile(enum hostile what)
{
	k_thread_create(&user_thread, user_stack, STACK_SIZE, hostile_entry,
			INT_TO_POINTER(what), NULL, NULL, K_PRIO_PREEMPT(1),
			K_USER | K_INHERIT_PERMS, K_NO_WAIT);
	k_thread_join(&user_thread, K_FOREVER);
}

ZTEST_USER(sched_rules, test_user_null_thread_oopses)
{
	run_hostile(NULL_THREAD);
}

ZTEST_USER(sched_rules, test_user_deadline_must_be_positive)
{
	run_hostile(ZERO_DEADLINE);
}

ZTEST_USER(sched_rules, test_user_float_disable_of_null_oopses)
{
	run_hostile(FLOAT_OF_NULL);
}

ZTEST_USER(sched_rules, test_user_sets_its_own_deadline)
{
	k_thread_deadline_set(k_current_get(), 1000);
	zassert_equal(k_float_disable(k_current_get()), -ENOTSUP);
}

static void *setup(void)
{
	k_thread_access_grant(k_current_get(), &user_thread, user_stack);
	return NULL;
}

ZTEST_SUITE(sched_rules, NULL, setup, NULL, NULL, NULL);
