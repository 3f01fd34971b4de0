/* Events: what each update returns, waking any and all waiters, the struct k_event fields
 * Zephyr's tests read (the set, and the first waiter through <wait_q.h>) kept equal to the
 * kernel's state however a wait ends, ISRs, and the user rules with hostile arguments. */
#include <zephyr/ztest.h>
#include <zephyr/irq_offload.h>
#include <wait_q.h>

K_EVENT_DEFINE(event);
K_EVENT_DEFINE(never_granted);
K_SEM_DEFINE(not_an_event, 0, 1);
static struct k_event runtime_event;
static uint32_t kernel_word;

static struct k_thread waiter_a;
static struct k_thread waiter_b;
static K_THREAD_STACK_DEFINE(stack_a, 1024);
static K_THREAD_STACK_DEFINE(stack_b, 1024);
static volatile uint32_t received_a;
static volatile uint32_t received_b;

static void wait_any(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p3);
	*(volatile uint32_t *)p2 = k_event_wait(&event, (uint32_t)(uintptr_t)p1, false,
						K_MSEC(50));
}

static void wait_all(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p3);
	*(volatile uint32_t *)p2 = k_event_wait_all(&event, (uint32_t)(uintptr_t)p1, false,
						    K_FOREVER);
}

static void start(struct k_thread *thread, k_thread_stack_t *stack, k_thread_entry_t entry,
		  uint32_t events, volatile uint32_t *received, int priority)
{
	*received = 0xdeadbeef;
	k_thread_create(thread, stack, 1024, entry, (void *)(uintptr_t)events, (void *)received,
			NULL, priority, 0, K_NO_WAIT);
}

static void before_each(void *fixture)
{
	ARG_UNUSED(fixture);
	k_event_clear(&event, 0xffffffff);
	k_object_access_grant(&event, k_current_get());
	k_object_access_grant(&not_an_event, k_current_get());
}

ZTEST(events, test_a_static_event_starts_empty)
{
	zassert_equal(event.events, 0);
	zassert_is_null(z_waitq_head(&event.wait_q));
}

ZTEST(events, test_updates_return_the_previous_set_under_their_mask)
{
	zassert_equal(k_event_post(&event, 0x0f), 0);
	zassert_equal(k_event_post(&event, 0x30), 0, "post: the previous set under 0x30");
	zassert_equal(k_event_post(&event, 0x11), 0x11);
	zassert_equal(event.events, 0x3f);
	zassert_equal(k_event_set(&event, 0x100), 0x3f);
	zassert_equal(k_event_set_masked(&event, 0x0a, 0x10f), 0x100);
	zassert_equal(event.events, 0x0a);
	zassert_equal(k_event_clear(&event, 0x0c), 0x08);
	zassert_equal(event.events, 0x02);
	zassert_equal(k_event_test(&event, ~0), 0x02);
}

ZTEST(events, test_init_empties_the_structure)
{
	k_event_init(&runtime_event);
	zassert_equal(runtime_event.events, 0);
	zassert_is_null(z_waitq_head(&runtime_event.wait_q));
	k_event_post(&runtime_event, 0x5);
	zassert_equal(runtime_event.events, 0x5);
	k_event_init(&runtime_event);
	zassert_equal(runtime_event.events, 0);
}

ZTEST(events, test_waiters_wake_on_their_events_and_show_in_the_wait_queue)
{
	start(&waiter_a, stack_a, wait_all, 0x3, &received_a, 1);
	start(&waiter_b, stack_b, wait_any, 0xc, &received_b, 2);
	k_msleep(1);
	/* The more important waiter is first, as Zephyr's priority-ordered queue has it. */
	zassert_equal_ptr(z_waitq_head(&event.wait_q), &waiter_a);
	k_event_post(&event, 0x1); /* half of A's, none of B's */
	k_msleep(1);
	zassert_equal(received_a, 0xdeadbeef);
	k_event_post(&event, 0x6); /* A's second, one of B's */
	k_msleep(1);
	zassert_equal(received_a, 0x3);
	zassert_equal(received_b, 0x4, "an any-waiter gets the matching events only");
	zassert_is_null(z_waitq_head(&event.wait_q));
	zassert_equal(event.events, 0x7, "waking consumes nothing");
	k_thread_join(&waiter_a, K_FOREVER);
	k_thread_join(&waiter_b, K_FOREVER);
}

ZTEST(events, test_a_timed_out_or_aborted_waiter_leaves_the_wait_queue)
{
	start(&waiter_a, stack_a, wait_any, 0x100, &received_a, 1);
	start(&waiter_b, stack_b, wait_all, 0x300, &received_b, 2);
	k_msleep(1);
	zassert_equal_ptr(z_waitq_head(&event.wait_q), &waiter_a);
	k_thread_priority_set(&waiter_b, 0); /* B now comes first */
	zassert_equal_ptr(z_waitq_head(&event.wait_q), &waiter_b);
	k_thread_abort(&waiter_b);
	zassert_equal_ptr(z_waitq_head(&event.wait_q), &waiter_a);
	k_msleep(60); /* A's 50 ms run out */
	zassert_equal(received_a, 0, "a timed-out wait returns no events");
	zassert_is_null(z_waitq_head(&event.wait_q));
	k_thread_join(&waiter_a, K_FOREVER);
}

ZTEST(events, test_reset_clears_every_event_before_waiting)
{
	k_event_set(&event, 0xf0);
	zassert_equal(k_event_wait(&event, 0x10, true, K_NO_WAIT), 0);
	zassert_equal(event.events, 0);
	zassert_equal(k_event_wait(&event, 0, true, K_NO_WAIT), 0, "no events: no wait");
}

static void post_from_isr(const void *parameter)
{
	ARG_UNUSED(parameter);
	k_event_post(&event, 0x40);
	/* An ISR cannot wait: it gets what is set now. */
	zassert_equal(k_event_wait(&event, 0x80, false, K_FOREVER), 0);
}

ZTEST(events, test_an_isr_posts_and_wakes_a_waiter)
{
	start(&waiter_a, stack_a, wait_any, 0x40, &received_a, 1);
	k_msleep(1);
	irq_offload(post_from_isr, NULL);
	k_msleep(1);
	zassert_equal(received_a, 0x40);
	k_thread_join(&waiter_a, K_FOREVER);
}

static void *events_setup(void)
{
	k_thread_access_grant(k_current_get(), &event, &not_an_event);
	return NULL;
}

/* ---- user mode ---------------------------------------------------------------------- */

ZTEST_USER(events, test_user_posts_and_waits_on_a_granted_event)
{
	zassert_equal(k_event_post(&event, 0x21), 0);
	zassert_equal(k_event_wait(&event, 0x1, false, K_NO_WAIT), 0x1);
	zassert_equal(k_event_wait_all(&event, 0x23, false, K_MSEC(2)), 0, "times out");
	zassert_equal(k_event_set_masked(&event, 0x2, 0x3), 0x1);
	zassert_equal(k_event_clear(&event, 0xff), 0x22);
	zassert_equal(k_event_test(&event, ~0), 0);
}

ZTEST_USER(events, test_user_needs_permission_on_the_event)
{
	ztest_set_fault_valid(true);
	(void)k_event_post(&never_granted, 1);
	ztest_test_fail();
}

ZTEST_USER(events, test_user_cannot_pass_another_kind_as_an_event)
{
	ztest_set_fault_valid(true);
	(void)k_event_wait((struct k_event *)&not_an_event, 1, false, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_USER(events, test_user_cannot_pass_a_null_event)
{
	ztest_set_fault_valid(true);
	(void)k_event_set(NULL, 1);
	ztest_test_fail();
}

ZTEST_USER(events, test_user_cannot_pass_kernel_memory_as_an_event)
{
	ztest_set_fault_valid(true);
	(void)k_event_clear((struct k_event *)&kernel_word, 1);
	ztest_test_fail();
}

ZTEST_USER(events, test_user_cannot_pass_a_wild_pointer_as_an_event)
{
	ztest_set_fault_valid(true);
	(void)k_event_wait_all((struct k_event *)0xfffffff0, 1, false, K_FOREVER);
	ztest_test_fail();
}

ZTEST_USER(events, test_user_cannot_reinitialise_an_event)
{
	/* Zephyr: a user thread may only initialise an event object never initialised. */
	ztest_set_fault_valid(true);
	k_event_init(&event);
	ztest_test_fail();
}

ZTEST_SUITE(events, NULL, events_setup, before_each, NULL, NULL);
