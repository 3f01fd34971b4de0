/* Keeping the CPU (k_sched_lock, irq_lock), absolute timeouts, the 64-bit cycle counter,
 * the timing functions and thread custom data. */
#include <zephyr/ztest.h>
#include <zephyr/irq_offload.h>
#include <zephyr/timing/timing.h>
#include <zephyr/kernel_structs.h>

#define HIGH_PRIO K_PRIO_PREEMPT(1)

static struct k_thread helper;
static K_THREAD_STACK_DEFINE(helper_stack, 1024);
static volatile int helper_ran;
static volatile int timer_fired;

static void mark(void *p1, void *p2, void *p3)
{
	helper_ran = 1;
}

static void on_timer(struct k_timer *timer)
{
	timer_fired = 1;
}

K_TIMER_DEFINE(quick, on_timer, NULL);
K_SEM_DEFINE(never_given, 0, 1);

ZTEST(cpu_locks, test_sched_lock_keeps_a_more_important_thread_waiting)
{
	helper_ran = 0;
	k_thread_priority_set(k_current_get(), K_PRIO_PREEMPT(5)); /* ztest's is cooperative */
	zassert_true(k_is_preempt_thread());
	k_sched_lock();
	zassert_false(k_is_preempt_thread());
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), mark,
			NULL, NULL, NULL, HIGH_PRIO, 0, K_NO_WAIT);
	k_busy_wait(1000);
	zassert_equal(helper_ran, 0, "preempted while the scheduler was locked");
	k_sched_unlock();
	zassert_equal(helper_ran, 1, "the more important thread runs at the unlock");
	k_thread_join(&helper, K_FOREVER);
}

ZTEST(cpu_locks, test_a_locked_thread_that_sleeps_lets_others_run)
{
	helper_ran = 0;
	k_sched_lock();
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), mark,
			NULL, NULL, NULL, HIGH_PRIO, 0, K_NO_WAIT);
	k_msleep(1);
	zassert_equal(helper_ran, 1);
	k_sched_unlock();
	k_thread_join(&helper, K_FOREVER);
}

ZTEST(cpu_locks, test_irq_lock_holds_off_timer_interrupts_until_unlocked)
{
	timer_fired = 0;
	unsigned int key = irq_lock();
	unsigned int inner = irq_lock();

	zassert_equal(key, 0);
	zassert_not_equal(inner, 0);
	k_timer_start(&quick, K_USEC(100), K_NO_WAIT);
	k_busy_wait(2000);
	zassert_equal(timer_fired, 0, "an interrupt came through irq_lock");
	irq_unlock(inner);
	k_busy_wait(10);
	zassert_equal(timer_fired, 0, "the inner unlock must keep interrupts locked");
	irq_unlock(key);
	zassert_equal(timer_fired, 1, "the expiry runs at the outer unlock");
}

ZTEST(cpu_locks, test_absolute_timeouts)
{
	int64_t start = k_uptime_ticks();
	k_ticks_t target = (k_ticks_t)(start + 50);

	k_sleep(K_TIMEOUT_ABS_TICKS(target));
	zassert_equal(k_uptime_ticks(), target);
	/* A tick already past: the wait ends at the next tick. */
	zassert_equal(k_sem_take(&never_given, K_TIMEOUT_ABS_TICKS(0)), -EAGAIN);
	zassert_equal(k_uptime_ticks(), target + 1);
	k_sleep(K_TIMEOUT_ABS_MS(k_uptime_get() + 20));
	zassert_true(k_uptime_ticks() >= target + 20);
	zassert_true(Z_IS_TIMEOUT_RELATIVE(K_MSEC(5)));
	zassert_false(Z_IS_TIMEOUT_RELATIVE(K_TIMEOUT_ABS_MS(5)));
}

ZTEST(cpu_locks, test_cycles_and_timing)
{
	timing_t start, end;

	timing_init();
	timing_start();
	start = timing_counter_get();
	k_busy_wait(1000);
	end = timing_counter_get();
	timing_stop();
	uint64_t ns = timing_cycles_to_ns(timing_cycles_get(&start, &end));

	zassert_true(ns >= 1000000 && ns < 1100000, "%llu ns for 1 ms", ns);
	zassert_equal(timing_freq_get_mhz(), sys_clock_hw_cycles_per_sec() / 1000000);
	uint64_t before = k_cycle_get_64();

	k_msleep(100);
	zassert_true(k_cycle_get_64() - before >= sys_clock_hw_cycles_per_sec() / 10);
	zassert_equal(k_uptime_seconds(), k_uptime_get() / 1000);
}

ZTEST(cpu_locks, test_runtime_stats_count_cycles_run_and_idle)
{
	k_thread_runtime_stats_t before, after, cpu_before, cpu_after;

	zassert_equal(k_thread_runtime_stats_get(NULL, &before), -EINVAL);
	zassert_equal(k_thread_runtime_stats_all_get(NULL), -EINVAL);
	zassert_ok(k_thread_runtime_stats_get(k_current_get(), &before));
	zassert_ok(k_thread_runtime_stats_all_get(&cpu_before));
	k_busy_wait(1000); /* 1 ms of this thread's time */
	k_msleep(10);      /* 10 ms with nothing to run: idle */
	zassert_ok(k_thread_runtime_stats_get(k_current_get(), &after));
	zassert_ok(k_thread_runtime_stats_all_get(&cpu_after));
	uint64_t ran = after.execution_cycles - before.execution_cycles;
	uint64_t idle = cpu_after.idle_cycles - cpu_before.idle_cycles;
	uint32_t per_ms = sys_clock_hw_cycles_per_sec() / 1000;

	zassert_true(ran >= per_ms && ran < 2 * per_ms, "%llu cycles for 1 ms", ran);
	zassert_true(idle >= 9 * per_ms, "%llu idle cycles in 10 ms", idle);
	zassert_true(after.execution_cycles <= cpu_after.execution_cycles);
	zassert_true(after.peak_cycles >= after.current_cycles);
}

K_SEM_DEFINE(never_signalled, 0, 1);

static void wait_forever(void *p1, void *p2, void *p3)
{
	k_sem_take(&never_signalled, K_FOREVER);
}

ZTEST(cpu_locks, test_the_thread_base_shows_the_kernel_state)
{
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), wait_forever,
			NULL, NULL, NULL, K_PRIO_PREEMPT(3), K_INHERIT_PERMS, K_FOREVER);
	zassert_equal(helper.base.thread_state, _THREAD_PRESTART);
	zassert_equal(helper.base.prio, K_PRIO_PREEMPT(3));
	zassert_equal(helper.base.user_options, K_INHERIT_PERMS);
	k_thread_start(&helper);
	k_msleep(1); /* it runs and waits on the semaphore */
	zassert_equal(helper.base.thread_state, _THREAD_PENDING);
	k_thread_priority_set(&helper, K_PRIO_PREEMPT(4));
	k_thread_suspend(&helper);
	zassert_true(helper.base.thread_state & _THREAD_SUSPENDED);
	k_thread_abort(&helper);
	zassert_equal(helper.base.thread_state, _THREAD_DEAD);
	zassert_true(_current->base.thread_state & _THREAD_QUEUED, "the running thread");
}

ZTEST_USER(cpu_locks, test_custom_data_is_per_thread)
{
	zassert_is_null(k_thread_custom_data_get());
	k_thread_custom_data_set((void *)0x1234);
	zassert_equal_ptr(k_thread_custom_data_get(), (void *)0x1234);
}

static void sched_lock_from_user(void)
{
	k_sched_lock(); /* a kernel function: the user thread oopses */
	ztest_test_fail();
}

ZTEST_USER(cpu_locks, test_a_user_thread_cannot_lock_the_scheduler)
{
	ztest_set_fault_valid(true);
	sched_lock_from_user();
}

ZTEST_SUITE(cpu_locks, NULL, NULL, NULL, NULL, NULL);
