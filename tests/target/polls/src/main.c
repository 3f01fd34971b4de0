/* k_poll: every kind of event ready at once or waited for, states written back, the
 * order of waiters and pollers, timeouts and cancellation, ISRs, and the user rules
 * (the array checked and copied, the copy's room in the resource pool, permissions). */
#include <zephyr/ztest.h>
#include <zephyr/irq_offload.h>

K_SEM_DEFINE(sem, 0, 1);
K_SEM_DEFINE(other_sem, 0, 1);
K_FIFO_DEFINE(fifo);
K_MSGQ_DEFINE(msgq, 4, 2, 4);
K_PIPE_DEFINE(pipe, 16, 4);
K_SEM_DEFINE(forbidden_sem, 0, 1); /* never granted to the user thread */
static struct k_sem never_initialised_sem;
static struct k_poll_signal signal;
K_HEAP_DEFINE(user_pool, 256);

struct item {
	void *reserved;
	int value;
};
static struct item item = { NULL, 7 };

static struct k_thread helper, second_helper;
static K_THREAD_STACK_DEFINE(helper_stack, 1024);
static K_THREAD_STACK_DEFINE(second_helper_stack, 1024);

enum kind { SEM, FIFO, MSGQ, PIPE, SIGNAL, CANCEL, NUM_KINDS };

static void make_ready(enum kind kind)
{
	uint32_t message = 0x11223344;
	uint8_t byte = 0x5a;

	switch (kind) {
	case SEM:
		k_sem_give(&sem);
		break;
	case FIFO:
		k_fifo_put(&fifo, &item);
		break;
	case MSGQ:
		zassert_equal(k_msgq_put(&msgq, &message, K_NO_WAIT), 0);
		break;
	case PIPE:
		zassert_equal(k_pipe_write(&pipe, &byte, 1, K_NO_WAIT), 1);
		break;
	case SIGNAL:
		zassert_equal(k_poll_signal_raise(&signal, 0x600d), 0);
		break;
	default:
		k_fifo_cancel_wait(&fifo);
		break;
	}
}

static void later(void *kind, void *delay_ms, void *p3)
{
	ARG_UNUSED(p3);
	k_msleep((int)(uintptr_t)delay_ms);
	make_ready((enum kind)(uintptr_t)kind);
}

static k_tid_t start_helper(enum kind kind, int delay_ms, int priority)
{
	return k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack),
			       later, (void *)(uintptr_t)kind, (void *)(uintptr_t)delay_ms,
			       NULL, priority, K_INHERIT_PERMS, K_NO_WAIT);
}

static void init_events(struct k_poll_event events[6])
{
	k_poll_event_init(&events[0], K_POLL_TYPE_SEM_AVAILABLE, K_POLL_MODE_NOTIFY_ONLY, &sem);
	k_poll_event_init(&events[1], K_POLL_TYPE_FIFO_DATA_AVAILABLE, K_POLL_MODE_NOTIFY_ONLY,
			  &fifo);
	k_poll_event_init(&events[2], K_POLL_TYPE_MSGQ_DATA_AVAILABLE, K_POLL_MODE_NOTIFY_ONLY,
			  &msgq);
	k_poll_event_init(&events[3], K_POLL_TYPE_PIPE_DATA_AVAILABLE, K_POLL_MODE_NOTIFY_ONLY,
			  &pipe);
	k_poll_event_init(&events[4], K_POLL_TYPE_SIGNAL, K_POLL_MODE_NOTIFY_ONLY, &signal);
	k_poll_event_init(&events[5], K_POLL_TYPE_IGNORE, K_POLL_MODE_NOTIFY_ONLY, NULL);
	for (int i = 0; i < 6; i++) {
		events[i].tag = 40 + i;
	}
}

static const uint32_t ready_states[] = {
	K_POLL_STATE_SEM_AVAILABLE, K_POLL_STATE_FIFO_DATA_AVAILABLE,
	K_POLL_STATE_MSGQ_DATA_AVAILABLE, K_POLL_STATE_PIPE_DATA_AVAILABLE,
	K_POLL_STATE_SIGNALED,
};

static void empty_everything(void)
{
	uint32_t message;
	uint8_t bytes[16];

	k_sem_reset(&sem);
	k_sem_reset(&other_sem);
	while (k_fifo_get(&fifo, K_NO_WAIT) != NULL) {
	}
	k_msgq_purge(&msgq);
	while (k_msgq_get(&msgq, &message, K_NO_WAIT) == 0) {
	}
	(void)k_pipe_read(&pipe, bytes, sizeof(bytes), K_NO_WAIT);
	k_poll_signal_init(&signal);
}

ZTEST(polls, test_ready_events_are_all_marked_without_waiting)
{
	struct k_poll_event events[6];
	unsigned int signaled;
	int result;

	init_events(events);
	zassert_equal(k_poll(events, 6, K_NO_WAIT), -EAGAIN);
	for (int i = 0; i < 6; i++) {
		zassert_equal(events[i].state, K_POLL_STATE_NOT_READY, "event %d", i);
	}
	for (int kind = SEM; kind <= SIGNAL; kind++) {
		make_ready(kind);
	}
	zassert_equal(k_poll(events, 6, K_FOREVER), 0);
	for (int i = 0; i < 5; i++) {
		zassert_equal(events[i].state, ready_states[i], "event %d", i);
		zassert_equal(events[i].tag, 40 + i, "the tag is the caller's");
		zassert_equal(events[i].type != 0, true);
	}
	zassert_equal(events[5].state, K_POLL_STATE_NOT_READY);
	/* Nothing was consumed: polling only tells. */
	zassert_equal(k_sem_count_get(&sem), 1);
	zassert_equal_ptr(k_fifo_peek_head(&fifo), &item);
	zassert_equal(k_msgq_num_used_get(&msgq), 1);
	k_poll_signal_check(&signal, &signaled, &result);
	zassert_equal(signaled, 1);
	zassert_equal(result, 0x600d);
	zassert_equal(signal.signaled, 1, "the signal's fields are its state");
	/* States are not cleared by k_poll: they accumulate until the caller clears them. */
	empty_everything();
	zassert_equal(k_poll(events, 6, K_NO_WAIT), -EAGAIN);
	zassert_equal(events[0].state, K_POLL_STATE_SEM_AVAILABLE);
}

ZTEST(polls, test_each_kind_wakes_a_waiting_poller)
{
	struct k_poll_event events[6];

	for (int kind = SEM; kind <= SIGNAL; kind++) {
		empty_everything();
		init_events(events);
		k_tid_t tid = start_helper(kind, 10, k_thread_priority_get(k_current_get()) + 1);
		int64_t start = k_uptime_get();

		zassert_equal(k_poll(events, 6, K_SECONDS(1)), 0, "kind %d", kind);
		zassert_true(k_uptime_get() - start >= 10, "woken by the helper");
		for (int i = 0; i < 5; i++) {
			zassert_equal(events[i].state, i == kind ? ready_states[i] : 0,
				      "kind %d event %d", kind, i);
		}
		k_thread_join(tid, K_FOREVER);
	}
}

ZTEST(polls, test_timeout_is_eagain_and_zero_events_wait)
{
	struct k_poll_event events[6];
	int64_t start = k_uptime_get();

	empty_everything();
	init_events(events);
	zassert_equal(k_poll(events, 6, K_MSEC(20)), -EAGAIN);
	zassert_true(k_uptime_get() - start >= 20);
	for (int i = 0; i < 6; i++) {
		zassert_equal(events[i].state, K_POLL_STATE_NOT_READY);
	}
	start = k_uptime_get();
	zassert_equal(k_poll(events, 0, K_MSEC(5)), -EAGAIN);
	zassert_true(k_uptime_get() - start >= 5);
	/* The registrations went with the timeout: a later give stays in the semaphore. */
	k_sem_give(&sem);
	zassert_equal(k_sem_count_get(&sem), 1);
	zassert_equal(events[0].state, K_POLL_STATE_NOT_READY);
}

ZTEST(polls, test_cancel_wait_is_eintr_and_cancelled)
{
	struct k_poll_event events[6];

	empty_everything();
	init_events(events);
	k_tid_t tid = start_helper(CANCEL, 10, k_thread_priority_get(k_current_get()) + 1);

	zassert_equal(k_poll(events, 6, K_SECONDS(1)), -EINTR);
	zassert_equal(events[1].state, K_POLL_STATE_CANCELLED);
	k_thread_join(tid, K_FOREVER);
}

static volatile int order[2], order_count;

static void poller(void *id, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	struct k_poll_event event;

	k_poll_event_init(&event, K_POLL_TYPE_SEM_AVAILABLE, K_POLL_MODE_NOTIFY_ONLY, &sem);
	if (k_poll(&event, 1, K_MSEC(50)) == 0) {
		order[order_count++] = (int)(uintptr_t)id;
		zassert_equal(k_sem_take(&sem, K_NO_WAIT), 0);
	}
}

static void taker(void *id, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	if (k_sem_take(&sem, K_MSEC(50)) == 0) {
		order[order_count++] = (int)(uintptr_t)id;
	}
}

ZTEST(polls, test_pollers_wake_by_priority_after_waiters)
{
	/* Preemptible, so that a more important thread runs as soon as it is ready. */
	int old = k_thread_priority_get(k_current_get());
	int mine = 5;

	k_thread_priority_set(k_current_get(), mine);
	empty_everything();
	order_count = 0;
	/* A less important poller first, then a more important one: the latter is told. */
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), poller,
			(void *)1, NULL, NULL, mine - 1, 0, K_NO_WAIT);
	k_thread_create(&second_helper, second_helper_stack,
			K_THREAD_STACK_SIZEOF(second_helper_stack), poller, (void *)2, NULL,
			NULL, mine - 2, 0, K_NO_WAIT);
	k_sem_give(&sem);
	zassert_equal(order_count, 1);
	zassert_equal(order[0], 2);
	k_sem_give(&sem);
	zassert_equal(order_count, 2);
	zassert_equal(order[1], 1);
	k_thread_join(&helper, K_FOREVER);
	k_thread_join(&second_helper, K_FOREVER);

	/* A thread taking the semaphore is served before a more important poller. */
	order_count = 0;
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), taker,
			(void *)3, NULL, NULL, mine - 1, 0, K_NO_WAIT);
	k_thread_create(&second_helper, second_helper_stack,
			K_THREAD_STACK_SIZEOF(second_helper_stack), poller, (void *)4, NULL,
			NULL, mine - 2, 0, K_NO_WAIT);
	k_sem_give(&sem);
	zassert_equal(order_count, 1);
	zassert_equal(order[0], 3);
	k_thread_join(&helper, K_FOREVER);
	k_thread_join(&second_helper, K_FOREVER);
	zassert_equal(order_count, 1, "the poller timed out");
	k_thread_priority_set(k_current_get(), old);
}

ZTEST(polls, test_signal_check_reset_and_raise_again)
{
	unsigned int signaled = 99;
	int result = 99;

	k_poll_signal_init(&signal);
	k_poll_signal_check(&signal, &signaled, &result);
	zassert_equal(signaled, 0);
	zassert_equal(result, 0);
	k_poll_signal_raise(&signal, -5);
	k_poll_signal_check(&signal, &signaled, &result);
	zassert_equal(signaled, 1);
	zassert_equal(result, -5);
	k_poll_signal_reset(&signal);
	k_poll_signal_check(&signal, &signaled, &result);
	zassert_equal(signaled, 0);
	zassert_equal(result, -5, "a reset keeps the result");
}

ZTEST(polls, test_bad_mode_and_type_are_einval)
{
	struct k_poll_event bad_mode[] = {
		K_POLL_EVENT_INITIALIZER(K_POLL_TYPE_SEM_AVAILABLE, K_POLL_NUM_MODES, &sem),
	};
	struct k_poll_event bad_type[] = {
		{ .type = K_POLL_TYPE_SEM_AVAILABLE | K_POLL_TYPE_SIGNAL, .obj = &sem },
	};

	zassert_equal(k_poll(bad_mode, 1, K_NO_WAIT), -EINVAL);
	zassert_equal(k_poll(bad_type, 1, K_NO_WAIT), -EINVAL);
	zassert_equal(k_poll(bad_mode, -1, K_NO_WAIT), -EINVAL);
}

static volatile int isr_result;
static struct k_poll_event isr_event;

static void poll_in_isr(const void *parameter)
{
	ARG_UNUSED(parameter);
	isr_result = k_poll(&isr_event, 1, K_MSEC(100)); /* an ISR does not wait */
	k_poll_signal_raise(&signal, 3);
}

ZTEST(polls, test_isr_polls_without_waiting_and_raises)
{
	empty_everything();
	k_poll_event_init(&isr_event, K_POLL_TYPE_SEM_AVAILABLE, K_POLL_MODE_NOTIFY_ONLY, &sem);
	irq_offload(poll_in_isr, NULL);
	zassert_equal(isr_result, -EAGAIN);
	zassert_equal(signal.signaled, 1);
	zassert_equal(signal.result, 3);
}

/* ---- user mode ------------------------------------------------------------------------ */

ZTEST_USER(polls, test_user_poll_waits_and_gets_its_states)
{
	struct k_poll_event events[2] = {
		K_POLL_EVENT_INITIALIZER(K_POLL_TYPE_SEM_AVAILABLE, K_POLL_MODE_NOTIFY_ONLY,
					 &other_sem),
		K_POLL_EVENT_STATIC_INITIALIZER(K_POLL_TYPE_SIGNAL, K_POLL_MODE_NOTIFY_ONLY,
						&signal, 9),
	};
	unsigned int signaled;
	int result;

	zassert_equal(k_poll(events, 2, K_NO_WAIT), -EAGAIN);
	k_poll_signal_raise(&signal, 77);
	zassert_equal(k_poll(events, 2, K_MSEC(100)), 0);
	zassert_equal(events[0].state, K_POLL_STATE_NOT_READY);
	zassert_equal(events[1].state, K_POLL_STATE_SIGNALED);
	zassert_equal(events[1].tag, 9);
	k_poll_signal_check(&signal, &signaled, &result);
	zassert_equal(signaled, 1);
	zassert_equal(result, 77);
	k_poll_signal_reset(&signal);
	events[1].state = K_POLL_STATE_NOT_READY;
	zassert_equal(k_poll(events, 2, K_MSEC(5)), -EAGAIN);
}

ZTEST_USER(polls, test_user_counts_are_checked_before_memory)
{
	struct k_poll_event event;

	k_poll_event_init(&event, K_POLL_TYPE_SEM_AVAILABLE, K_POLL_MODE_NOTIFY_ONLY, &other_sem);
	zassert_equal(k_poll(&event, INT_MAX, K_NO_WAIT), -EINVAL, "size overflows");
	zassert_equal(k_poll(&event, -1, K_NO_WAIT), -EINVAL);
	/* The kernel's copy comes from the caller's pool: 4096 events do not fit. */
	zassert_equal(k_poll(&event, 4096, K_NO_WAIT), -ENOMEM);
	zassert_equal(k_poll(&event, 0, K_NO_WAIT), -EAGAIN);
	struct k_poll_event bad_type = { .type = 0xf, .obj = &other_sem };

	zassert_equal(k_poll(&bad_type, 1, K_NO_WAIT), -EINVAL);
}

ZTEST_USER(polls, test_user_array_in_kernel_memory_faults)
{
	ztest_set_fault_valid(true);
	(void)k_poll((struct k_poll_event *)&sem, 1, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_USER(polls, test_user_null_array_faults)
{
	ztest_set_fault_valid(true);
	(void)k_poll(NULL, 2, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_USER(polls, test_user_object_without_permission_faults)
{
	struct k_poll_event event =
		K_POLL_EVENT_INITIALIZER(K_POLL_TYPE_SEM_AVAILABLE, K_POLL_MODE_NOTIFY_ONLY,
					 &forbidden_sem);

	ztest_set_fault_valid(true);
	(void)k_poll(&event, 1, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_USER(polls, test_user_uninitialised_object_faults)
{
	struct k_poll_event event =
		K_POLL_EVENT_INITIALIZER(K_POLL_TYPE_SEM_AVAILABLE, K_POLL_MODE_NOTIFY_ONLY,
					 &never_initialised_sem);

	ztest_set_fault_valid(true);
	(void)k_poll(&event, 1, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_USER(polls, test_user_object_of_another_kind_faults)
{
	struct k_poll_event event =
		K_POLL_EVENT_INITIALIZER(K_POLL_TYPE_SIGNAL, K_POLL_MODE_NOTIFY_ONLY,
					 (struct k_poll_signal *)&other_sem);

	ztest_set_fault_valid(true);
	(void)k_poll(&event, 1, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_USER(polls, test_user_signal_check_into_kernel_memory_faults)
{
	int result;

	ztest_set_fault_valid(true);
	k_poll_signal_check(&signal, (unsigned int *)&sem, &result);
	ztest_test_fail();
}

static void *polls_setup(void)
{
	k_poll_signal_init(&signal);
	k_thread_access_grant(k_current_get(), &other_sem, &signal, &never_initialised_sem);
	k_thread_heap_assign(k_current_get(), &user_pool);
	return NULL;
}

ZTEST_SUITE(polls, NULL, polls_setup, NULL, NULL, NULL);
