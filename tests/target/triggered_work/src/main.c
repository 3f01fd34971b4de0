/* Triggered work (k_work_poll): an item submitted by the first of its poll events to be
 * ready, or by its timeout; who owns it when; cancelling; ISRs and user threads raising
 * the events; and what the kernel refuses. */
#include <zephyr/ztest.h>
#include <zephyr/irq_offload.h>

#define STACK_SIZE 1024

static K_THREAD_STACK_DEFINE(queue_stack, STACK_SIZE);
static struct k_work_q queue;
static struct k_work_q other_queue;
static K_THREAD_STACK_DEFINE(other_stack, STACK_SIZE);
static K_SEM_DEFINE(done, 0, 10);
static K_SEM_DEFINE(a_semaphore, 0, 1);
K_MSGQ_DEFINE(a_msgq, 4, 2, 4);
static struct k_poll_signal signal;
static struct k_work_poll twork;
static struct k_poll_event events[2];
static K_SEM_DEFINE(release, 0, 1);
static ZTEST_BMEM int seen_result;
static ZTEST_BMEM k_tid_t ran_on;
static ZTEST_BMEM int runs;

static void record(struct k_work *work)
{
	struct k_work_poll *item = CONTAINER_OF(work, struct k_work_poll, work);

	seen_result = item->poll_result;
	ran_on = k_current_get();
	runs++;
	k_sem_give(&done);
}

static void before_each(void *fixture)
{
	ARG_UNUSED(fixture);
	k_sem_reset(&done);
	k_sem_reset(&a_semaphore);
	k_msgq_purge(&a_msgq);
	k_poll_signal_init(&signal);
	k_work_poll_init(&twork, record);
	k_poll_event_init(&events[0], K_POLL_TYPE_SIGNAL, K_POLL_MODE_NOTIFY_ONLY, &signal);
	k_poll_event_init(&events[1], K_POLL_TYPE_SEM_AVAILABLE, K_POLL_MODE_NOTIFY_ONLY,
			  &a_semaphore);
	seen_result = 1;
	ran_on = NULL;
	runs = 0;
}

ZTEST(triggered_work, test_a_raised_signal_submits_the_item)
{
	zassert_equal(k_work_poll_submit_to_queue(&queue, &twork, events, 2, K_FOREVER), 0);
	/* Waiting for an event is not being busy, but the queue owns the item. */
	zassert_equal(k_work_busy_get(&twork.work), 0);
	zassert_equal_ptr(twork.workq, &queue);
	zassert_equal(twork.poll_result, -EINPROGRESS);
	zassert_equal(k_sem_take(&done, K_MSEC(20)), -EAGAIN, "ran without an event");

	zassert_equal(k_poll_signal_raise(&signal, 7), 0);
	zassert_equal(k_sem_take(&done, K_FOREVER), 0);
	zassert_equal(seen_result, 0);
	zassert_equal_ptr(ran_on, k_work_queue_thread_get(&queue));
	zassert_equal(events[0].state, K_POLL_STATE_SIGNALED);
	zassert_equal(events[1].state, K_POLL_STATE_NOT_READY);
	zassert_is_null(twork.workq, "the handler started: the queue owns it no more");
}

ZTEST(triggered_work, test_an_event_ready_already_submits_at_once)
{
	k_sem_give(&a_semaphore);
	k_sched_lock();
	zassert_equal(k_work_poll_submit_to_queue(&queue, &twork, events, 2, K_FOREVER), 0);
	zassert_equal(k_work_busy_get(&twork.work), K_WORK_QUEUED);
	zassert_equal(events[1].state, K_POLL_STATE_SEM_AVAILABLE);
	k_sched_unlock();
	zassert_equal(k_sem_take(&done, K_FOREVER), 0);
	zassert_equal(seen_result, 0);
	/* The event only reports: the semaphore's count is still there to take. */
	zassert_equal(k_sem_count_get(&a_semaphore), 1);
}

ZTEST(triggered_work, test_a_message_submits_the_item)
{
	uint32_t message = 0x5a5a;

	k_poll_event_init(&events[0], K_POLL_TYPE_MSGQ_DATA_AVAILABLE, K_POLL_MODE_NOTIFY_ONLY,
			  &a_msgq);
	zassert_equal(k_work_poll_submit_to_queue(&queue, &twork, events, 1, K_FOREVER), 0);
	zassert_equal(k_msgq_put(&a_msgq, &message, K_NO_WAIT), 0);
	zassert_equal(k_sem_take(&done, K_FOREVER), 0);
	zassert_equal(seen_result, 0);
	zassert_equal(events[0].state, K_POLL_STATE_MSGQ_DATA_AVAILABLE);
}

ZTEST(triggered_work, test_the_timeout_submits_it_with_eagain)
{
	int64_t start = k_uptime_get();

	zassert_equal(k_work_poll_submit_to_queue(&queue, &twork, events, 2, K_MSEC(30)), 0);
	zassert_equal(k_sem_take(&done, K_MSEC(20)), -EAGAIN, "ran before its timeout");
	zassert_equal(k_sem_take(&done, K_FOREVER), 0);
	zassert_equal(seen_result, -EAGAIN);
	zassert_true(k_uptime_get() - start >= 30);
	zassert_equal(runs, 1);
	/* A signal raised after the timeout submits nothing. */
	zassert_equal(k_poll_signal_raise(&signal, 1), 0);
	zassert_equal(k_sem_take(&done, K_MSEC(20)), -EAGAIN);
}

ZTEST(triggered_work, test_no_wait_submits_at_once_with_eagain)
{
	zassert_equal(k_work_poll_submit(&twork, events, 2, K_NO_WAIT), 0);
	zassert_equal(k_sem_take(&done, K_FOREVER), 0);
	zassert_equal(seen_result, -EAGAIN);
	zassert_equal_ptr(ran_on, k_work_queue_thread_get(&k_sys_work_q));
}

ZTEST(triggered_work, test_only_an_item_waiting_for_events_can_be_cancelled)
{
	zassert_equal(k_work_poll_cancel(&twork), -EINVAL, "never submitted");
	zassert_equal(k_work_poll_cancel(NULL), -EINVAL);
	zassert_equal(k_work_poll_submit_to_queue(&queue, &twork, events, 2, K_MSEC(10)), 0);
	zassert_equal(k_work_poll_cancel(&twork), 0);
	zassert_is_null(twork.workq);
	zassert_equal(k_work_poll_cancel(&twork), -EINVAL, "cancelled already");
	/* Neither its event nor its timeout submits it now. */
	zassert_equal(k_poll_signal_raise(&signal, 1), 0);
	zassert_equal(k_sem_take(&done, K_MSEC(30)), -EAGAIN);
	zassert_equal(runs, 0);
}

ZTEST(triggered_work, test_the_owning_queue_decides_what_submitting_again_does)
{
	zassert_equal(k_work_poll_submit_to_queue(&queue, &twork, events, 2, K_FOREVER), 0);
	zassert_equal(k_work_poll_submit_to_queue(&other_queue, &twork, events, 2, K_FOREVER),
		      -EADDRINUSE);
	/* Its own queue replaces the wait: only the semaphore is watched now. */
	zassert_equal(k_work_poll_submit_to_queue(&queue, &twork, &events[1], 1, K_FOREVER), 0);
	zassert_equal(k_poll_signal_raise(&signal, 1), 0);
	zassert_equal(k_sem_take(&done, K_MSEC(20)), -EAGAIN, "the old wait submitted it");

	k_sched_lock();
	k_sem_give(&a_semaphore);
	zassert_equal(k_work_busy_get(&twork.work), K_WORK_QUEUED);
	/* Queued: its queue neither takes it again nor lets it be cancelled. */
	zassert_equal(k_work_poll_submit_to_queue(&queue, &twork, events, 2, K_FOREVER),
		      -EINVAL);
	zassert_equal(k_work_poll_cancel(&twork), -EINVAL);
	k_sched_unlock();
	zassert_equal(k_sem_take(&done, K_FOREVER), 0);
	zassert_equal(runs, 1);
}

static void raise_from_isr(const void *unused)
{
	ARG_UNUSED(unused);
	(void)k_poll_signal_raise(&signal, 3);
}

ZTEST(triggered_work, test_an_isr_raising_the_signal_submits_the_item)
{
	zassert_equal(k_work_poll_submit_to_queue(&queue, &twork, events, 1, K_FOREVER), 0);
	irq_offload(raise_from_isr, NULL);
	zassert_equal(k_sem_take(&done, K_FOREVER), 0);
	zassert_equal(seen_result, 0);
}

/* ---- what the kernel refuses (each ends the test thread with an oops) ---- */

static const struct k_poll_event in_flash = K_POLL_EVENT_STATIC_INITIALIZER(
	K_POLL_TYPE_SIGNAL, K_POLL_MODE_NOTIFY_ONLY, &signal, 0);

ZTEST(triggered_work, test_events_the_kernel_may_not_write_are_refused)
{
	ztest_set_fault_valid(true);
	(void)k_work_poll_submit_to_queue(&queue, &twork, (struct k_poll_event *)&in_flash, 1,
					  K_FOREVER);
	ztest_test_fail();
}

ZTEST(triggered_work, test_no_events_is_refused)
{
	ztest_set_fault_valid(true);
	(void)k_work_poll_submit_to_queue(&queue, &twork, events, 0, K_FOREVER);
	ztest_test_fail();
}

ZTEST(triggered_work, test_an_item_over_a_live_semaphore_is_refused)
{
	ztest_set_fault_valid(true);
	(void)k_work_poll_submit_to_queue(&queue, (struct k_work_poll *)&a_semaphore, events, 1,
					  K_FOREVER);
	ztest_test_fail();
}

static void wait_for_release(struct k_work *work)
{
	ARG_UNUSED(work);
	(void)k_sem_take(&release, K_FOREVER);
}

/* The other queue's thread stays in this item's handler: nothing else runs there. */
static struct k_work_poll blocking_twork;

ZTEST(triggered_work, test_a_running_item_cannot_be_initialised_again)
{
	k_work_poll_init(&blocking_twork, wait_for_release);
	zassert_equal(k_work_poll_submit_to_queue(&other_queue, &blocking_twork, events, 1,
						  K_NO_WAIT), 0);
	k_msleep(1); /* its queue's thread takes it and waits in its handler */
	zassert_equal(k_work_busy_get(&blocking_twork.work), K_WORK_RUNNING);
	ztest_set_fault_valid(true);
	k_work_poll_init(&blocking_twork, record);
	ztest_test_fail();
}

/* ---- user threads ---- */

static struct k_work_poll user_twork;
static struct k_poll_signal user_signal;
static struct k_poll_event user_event;

ZTEST_USER(triggered_work, test_a_user_thread_raising_a_signal_triggers_work)
{
	zassert_equal(k_poll_signal_raise(&user_signal, 5), 0);
	zassert_equal(k_sem_take(&done, K_FOREVER), 0);
	zassert_equal(seen_result, 0);
}

ZTEST_USER(triggered_work, test_a_user_thread_may_not_submit_triggered_work)
{
	ztest_set_fault_valid(true);
	(void)k_work_poll_submit_to_queue(&queue, &twork, events, 1, K_FOREVER);
	ztest_test_fail();
}

static void *setup(void)
{
	k_work_queue_init(&queue);
	k_work_queue_start(&queue, queue_stack, STACK_SIZE, K_PRIO_COOP(2), NULL);
	k_work_queue_init(&other_queue);
	k_work_queue_start(&other_queue, other_stack, STACK_SIZE, K_PRIO_COOP(2), NULL);
	/* The user test raises this signal; the kernel submits the item it triggers. */
	k_poll_signal_init(&user_signal);
	k_poll_event_init(&user_event, K_POLL_TYPE_SIGNAL, K_POLL_MODE_NOTIFY_ONLY, &user_signal);
	k_work_poll_init(&user_twork, record);
	zassert_equal(k_work_poll_submit_to_queue(&queue, &user_twork, &user_event, 1, K_FOREVER),
		      0);
	k_thread_access_grant(k_current_get(), &done, &user_signal);
	return NULL;
}

ZTEST_SUITE(triggered_work, NULL, setup, before_each, NULL, NULL);
