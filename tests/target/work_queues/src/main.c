/* Work queues: where handlers run, item states, cancelling, flushing, draining, delays
 * on simulated time, ISRs, the user work queue, and what the kernel refuses. */
#include <zephyr/ztest.h>
#include <zephyr/irq_offload.h>

#define STACK_SIZE 1024

static K_THREAD_STACK_DEFINE(queue_stack, STACK_SIZE);
static struct k_work_q queue;
static struct k_work_q never_started;
static K_SEM_DEFINE(done, 0, 10);
static K_SEM_DEFINE(release, 0, 1);
static struct k_work work;
static struct k_work_delayable dwork;
static struct k_work_sync sync;
static atomic_t runs;
static k_tid_t ran_on;

static void count(struct k_work *item)
{
	ARG_UNUSED(item);
	ran_on = k_current_get();
	atomic_inc(&runs);
	k_sem_give(&done);
}

static void wait_for_release(struct k_work *item)
{
	(void)k_sem_take(&release, K_FOREVER);
	count(item);
}

static void sleep_then_count(struct k_work *item)
{
	k_msleep(10);
	count(item);
}

static void give_release(struct k_timer *timer)
{
	ARG_UNUSED(timer);
	k_sem_give(&release);
}
static K_TIMER_DEFINE(releaser, give_release, NULL);

static void before_each(void *fixture)
{
	ARG_UNUSED(fixture);
	k_sem_reset(&done);
	k_sem_reset(&release);
	atomic_set(&runs, 0);
	ran_on = NULL;
}

ZTEST(work_queues, test_a_submitted_item_runs_on_its_queue_thread)
{
	k_work_init(&work, count);
	zassert_equal(k_work_busy_get(&work), 0);
	zassert_equal(k_work_submit_to_queue(&queue, &work), 1);
	zassert_equal(k_work_busy_get(&work), K_WORK_QUEUED);
	zassert_true(k_work_is_pending(&work));
	/* Already queued: nothing more. */
	zassert_equal(k_work_submit_to_queue(&queue, &work), 0);
	zassert_equal(k_sem_take(&done, K_FOREVER), 0);
	zassert_equal_ptr(ran_on, k_work_queue_thread_get(&queue));
	zassert_equal(atomic_get(&runs), 1);
	zassert_equal(k_work_busy_get(&work), 0);
	zassert_equal(work.flags, 0);
}

ZTEST(work_queues, test_the_system_work_queue_runs_k_work_submit)
{
	char name[16];

	k_work_init(&work, count);
	zassert_equal(k_work_submit(&work), 1);
	zassert_equal(k_sem_take(&done, K_FOREVER), 0);
	zassert_equal_ptr(ran_on, &k_sys_work_q.thread);
	zassert_equal(k_sys_work_q.flags & K_WORK_QUEUE_STARTED, K_WORK_QUEUE_STARTED);
	zassert_equal(k_thread_name_copy(&k_sys_work_q.thread, name, sizeof(name)), 0);
	zassert_str_equal(name, "sysworkq");
	zassert_equal(k_thread_priority_get(&k_sys_work_q.thread),
		      CONFIG_SYSTEM_WORKQUEUE_PRIORITY);
}

ZTEST(work_queues, test_a_cancelled_queued_item_never_runs)
{
	k_work_init(&work, count);
	zassert_equal(k_work_submit_to_queue(&queue, &work), 1);
	zassert_equal(k_work_cancel(&work), 0);
	k_msleep(5);
	zassert_equal(atomic_get(&runs), 0);
	zassert_false(k_work_cancel_sync(&work, &sync));
}

ZTEST(work_queues, test_cancel_sync_waits_for_the_running_handler)
{
	k_work_init(&work, wait_for_release);
	zassert_equal(k_work_submit_to_queue(&queue, &work), 1);
	k_msleep(1);
	zassert_equal(k_work_busy_get(&work), K_WORK_RUNNING);
	/* Running: only marked cancelling, and new submissions are refused. */
	zassert_equal(k_work_cancel(&work), K_WORK_RUNNING | K_WORK_CANCELING);
	zassert_equal(k_work_submit_to_queue(&queue, &work), -EBUSY);
	k_timer_start(&releaser, K_MSEC(5), K_NO_WAIT);
	zassert_true(k_work_cancel_sync(&work, &sync));
	zassert_equal(atomic_get(&runs), 1);
	zassert_equal(k_work_busy_get(&work), 0);
}

ZTEST(work_queues, test_flush_waits_for_queued_and_running_work)
{
	struct k_work other;

	k_work_init(&work, sleep_then_count);
	k_work_init(&other, sleep_then_count);
	zassert_equal(k_work_submit_to_queue(&queue, &other), 1);
	zassert_equal(k_work_submit_to_queue(&queue, &work), 1);
	zassert_true(k_work_flush(&work, &sync));
	zassert_equal(atomic_get(&runs), 2);
	zassert_false(k_work_flush(&work, &sync));
	zassert_false(k_work_flush(&other, &sync));
}

ZTEST(work_queues, test_drain_with_plug_refuses_work_until_unplugged)
{
	k_work_init(&work, sleep_then_count);
	zassert_equal(k_work_queue_drain(&queue, false), 0);
	zassert_equal(k_work_submit_to_queue(&queue, &work), 1);
	zassert_equal(k_work_queue_drain(&queue, true), 1);
	zassert_equal(atomic_get(&runs), 1);
	zassert_equal(queue.flags & K_WORK_QUEUE_PLUGGED, K_WORK_QUEUE_PLUGGED);
	zassert_equal(k_work_submit_to_queue(&queue, &work), -EBUSY);
	zassert_equal(k_work_queue_unplug(&queue), 0);
	zassert_equal(k_work_queue_unplug(&queue), -EALREADY);
	zassert_equal(k_work_submit_to_queue(&queue, &work), 1);
	zassert_equal(k_work_queue_drain(&queue, false), 1);
	zassert_equal(atomic_get(&runs), 2);
}

ZTEST(work_queues, test_queues_that_cannot_take_work)
{
	k_work_init(&work, count);
	zassert_equal(k_work_submit_to_queue(&never_started, &work), -ENODEV);
	zassert_equal(k_work_submit_to_queue(NULL, &work), -EINVAL);
	zassert_equal(k_work_busy_get(&work), 0);
}

ZTEST(work_queues, test_a_delay_counts_down_on_simulated_time)
{
	k_work_init_delayable(&dwork, count);
	zassert_equal(dwork.work.flags, K_WORK_DELAYABLE);
	k_msleep(1); /* align to a tick */
	int64_t start = k_uptime_get();

	zassert_equal(k_work_schedule_for_queue(&queue, &dwork, K_MSEC(50)), 1);
	zassert_equal(k_work_delayable_busy_get(&dwork), K_WORK_DELAYED);
	zassert_equal(k_work_schedule_for_queue(&queue, &dwork, K_NO_WAIT), 0);
	k_ticks_t left = k_work_delayable_remaining_get(&dwork);

	zassert_true(left >= k_ms_to_ticks_ceil32(50) && left <= k_ms_to_ticks_ceil32(51),
		     "%d ticks left", left);
	zassert_equal(k_work_delayable_expires_get(&dwork), k_uptime_ticks() + left);
	zassert_equal(k_sem_take(&done, K_FOREVER), 0);
	int64_t waited = k_uptime_get() - start;

	zassert_true(waited >= 50 && waited <= 51, "waited %d ms", (int)waited);
	zassert_equal(k_work_delayable_remaining_get(&dwork), 0);
}

ZTEST(work_queues, test_reschedule_replaces_the_delay_and_cancel_stops_it)
{
	k_work_init_delayable(&dwork, count);
	zassert_equal(k_work_schedule_for_queue(&queue, &dwork, K_MSEC(500)), 1);
	zassert_equal(k_work_reschedule_for_queue(&queue, &dwork, K_MSEC(5)), 1);
	zassert_equal(k_sem_take(&done, K_MSEC(20)), 0);
	zassert_equal(k_work_reschedule_for_queue(&queue, &dwork, K_MSEC(10)), 1);
	zassert_equal(k_work_cancel_delayable(&dwork), 0);
	k_msleep(20);
	zassert_equal(atomic_get(&runs), 1);
	zassert_equal(k_work_schedule_for_queue(&queue, &dwork, K_MSEC(10)), 1);
	zassert_true(k_work_cancel_delayable_sync(&dwork, &sync));
	zassert_false(k_work_cancel_delayable_sync(&dwork, &sync));
}

ZTEST(work_queues, test_flush_delayable_runs_it_at_once)
{
	k_work_init_delayable(&dwork, count);
	zassert_false(k_work_flush_delayable(&dwork, &sync));
	int64_t start = k_uptime_get();

	zassert_equal(k_work_schedule_for_queue(&queue, &dwork, K_SECONDS(1)), 1);
	zassert_true(k_work_flush_delayable(&dwork, &sync));
	zassert_equal(atomic_get(&runs), 1);
	zassert_true(k_uptime_get() - start < 10);
}

static struct k_work isr_work;
static int isr_submitted;
static int isr_busy;

static void submit_from_isr(const void *unused)
{
	ARG_UNUSED(unused);
	isr_submitted = k_work_submit_to_queue(&queue, &isr_work);
	isr_busy = k_work_busy_get(&isr_work);
}

ZTEST(work_queues, test_an_isr_submits)
{
	k_work_init(&isr_work, count);
	irq_offload(submit_from_isr, NULL);
	zassert_equal(isr_submitted, 1);
	zassert_equal(isr_busy, K_WORK_QUEUED);
	zassert_equal(k_sem_take(&done, K_FOREVER), 0);
}

/* ---- what the kernel refuses (each ends the test thread with an oops) ---- */

static struct k_work never_initialised;
static const struct k_work in_flash = { .handler = count };
static K_SEM_DEFINE(a_semaphore, 0, 1);

ZTEST(work_queues, test_an_item_without_a_handler_is_refused)
{
	ztest_set_fault_valid(true);
	(void)k_work_submit_to_queue(&queue, &never_initialised);
	ztest_test_fail();
}

ZTEST(work_queues, test_an_item_over_a_live_semaphore_is_refused)
{
	ztest_set_fault_valid(true);
	(void)k_work_submit_to_queue(&queue, (struct k_work *)&a_semaphore);
	ztest_test_fail();
}

ZTEST(work_queues, test_an_item_the_kernel_may_not_write_is_refused)
{
	ztest_set_fault_valid(true);
	(void)k_work_submit_to_queue(&queue, (struct k_work *)&in_flash);
	ztest_test_fail();
}

ZTEST(work_queues, test_a_busy_item_cannot_be_initialised_again)
{
	static struct k_work busy;

	k_work_init(&busy, count);
	zassert_equal(k_work_submit_to_queue(&queue, &busy), 1);
	ztest_set_fault_valid(true);
	k_work_init(&busy, count);
	ztest_test_fail();
}

ZTEST(work_queues, test_only_the_queue_thread_asks_for_work)
{
	ztest_set_fault_valid(true);
	(void)z_work_queue_next(&queue);
	ztest_test_fail();
}

ZTEST(work_queues, test_a_started_queue_is_not_started_again)
{
	ztest_set_fault_valid(true);
	k_work_queue_init(&queue);
	ztest_test_fail();
}

/* ---- user threads ---- */

ZTEST_USER(work_queues, test_a_user_thread_may_not_submit)
{
	ztest_set_fault_valid(true);
	(void)k_work_submit_to_queue(&queue, &work);
	ztest_test_fail();
}

static struct k_work_user_q user_queue;
static K_THREAD_STACK_DEFINE(user_queue_stack, STACK_SIZE);
static ZTEST_BMEM struct k_work_user user_item;
static ZTEST_BMEM k_tid_t user_ran_on;

static void user_handler(struct k_work_user *item)
{
	ARG_UNUSED(item);
	user_ran_on = k_current_get();
	k_sem_give(&done);
}

ZTEST_USER(work_queues, test_a_user_work_queue_runs_user_handlers)
{
	k_work_user_queue_start(&user_queue, user_queue_stack, STACK_SIZE,
				K_PRIO_PREEMPT(1), "user.wq");
	k_work_user_init(&user_item, user_handler);
	zassert_false(k_work_user_is_pending(&user_item));
	zassert_equal(k_work_user_submit_to_queue(&user_queue, &user_item), 0);
	zassert_true(k_work_user_is_pending(&user_item));
	zassert_equal(k_work_user_submit_to_queue(&user_queue, &user_item), -EBUSY);
	zassert_equal(k_sem_take(&done, K_FOREVER), 0);
	zassert_equal_ptr(user_ran_on, k_work_user_queue_thread_get(&user_queue));
	zassert_false(k_work_user_is_pending(&user_item));
}

K_HEAP_DEFINE(user_pool, 256);

static void *setup(void)
{
	const struct k_work_queue_config cfg = { .name = "test.wq" };

	k_work_queue_init(&queue);
	zassert_equal(queue.flags, 0);
	k_work_queue_start(&queue, queue_stack, STACK_SIZE, K_PRIO_COOP(2), &cfg);
	zassert_equal(queue.flags, K_WORK_QUEUE_STARTED);
	k_thread_heap_assign(k_current_get(), &user_pool);
	k_thread_access_grant(k_current_get(), &done, &user_queue.thread, &user_queue.queue,
			      &user_queue_stack);
	return NULL;
}

ZTEST_SUITE(work_queues, NULL, setup, before_each, NULL, NULL);
