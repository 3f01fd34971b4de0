/* k_event semantics.  Prints "PASS <name>" or "FAIL <name>: expected X got Y". */
#include <zephyr/kernel.h>

static void check(const char *name, long long expected, long long actual)
{
	if (expected == actual) {
		printk("PASS %s\n", name);
	} else {
		printk("FAIL %s: expected %lld got %lld\n", name, expected, actual);
	}
}

K_EVENT_DEFINE(ev);

K_THREAD_STACK_DEFINE(waiter_stack, 1024);
static struct k_thread waiter;
static volatile uint32_t waiter_result = 0xffffffff;

/* The events currently set, read without changing them. */
static uint32_t current(void)
{
	return k_event_wait(&ev, 0xffffffff, false, K_NO_WAIT);
}

static void wait_any(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	waiter_result = k_event_wait(&ev, (uint32_t)(uintptr_t)p1, false, K_FOREVER);
}

static void wait_all(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	waiter_result = k_event_wait_all(&ev, (uint32_t)(uintptr_t)p1, false, K_FOREVER);
}

static void start_waiter(k_thread_entry_t entry, uint32_t events)
{
	waiter_result = 0xffffffff;
	k_thread_create(&waiter, waiter_stack, K_THREAD_STACK_SIZEOF(waiter_stack), entry,
			(void *)(uintptr_t)events, NULL, NULL, K_PRIO_PREEMPT(2), 0, K_NO_WAIT);
	k_msleep(1); /* the waiter runs and blocks */
}

static void test_post_set_clear(void)
{
	check("initially_clear", 0, current());
	check("post_returns_previous_0", 0, k_event_post(&ev, 0x1));
	check("post_returns_previous_under_its_events", 0, k_event_post(&ev, 0x4));
	check("post_accumulates", 0x5, current());
	check("set_returns_previous", 0x5, k_event_set(&ev, 0x2));
	check("set_replaces", 0x2, current());
	check("set_masked_returns_previous", 0x2, k_event_set_masked(&ev, 0x9, 0x3));
	check("set_masked_only_mask_bits", 0x1, current());
	k_event_post(&ev, 0x6);
	check("clear_returns_previous_under_mask", 0x3, k_event_clear(&ev, 0x3));
	check("clear_leaves_others", 0x4, current());
	k_event_clear(&ev, 0xffffffff);
	check("clear_all", 0, current());
}

static void test_wait_no_wait(void)
{
	k_event_set(&ev, 0x5);
	check("wait_any_returns_matched", 0x4, k_event_wait(&ev, 0x6, false, K_NO_WAIT));
	check("wait_any_no_match_0", 0, k_event_wait(&ev, 0x2, false, K_NO_WAIT));
	check("wait_all_partial_0", 0, k_event_wait_all(&ev, 0x7, false, K_NO_WAIT));
	check("wait_all_complete", 0x5, k_event_wait_all(&ev, 0x5, false, K_NO_WAIT));
	check("wait_does_not_consume", 0x5, current());
	check("wait_for_nothing_0", 0, k_event_wait(&ev, 0, true, K_FOREVER));
	check("wait_for_nothing_keeps_events", 0x5, current());

	/* reset=true clears every event before waiting (not only the awaited ones). */
	check("wait_reset_then_no_match", 0, k_event_wait(&ev, 0x1, true, K_NO_WAIT));
	check("wait_reset_cleared_all", 0, current());
	k_event_set(&ev, 0x3);
	check("wait_all_reset_then_no_match", 0, k_event_wait_all(&ev, 0x3, true, K_NO_WAIT));
	check("wait_all_reset_cleared_all", 0, current());
}

static void test_timeout(void)
{
	k_event_set(&ev, 0x1);
	int64_t t0 = k_uptime_ticks();

	check("wait_any_timeout_0", 0, k_event_wait(&ev, 0x80, false, K_TICKS(5)));
	check("wait_any_timeout_ticks", t0 + 1 + 5, k_uptime_ticks());
	t0 = k_uptime_ticks();
	check("wait_all_timeout_0", 0, k_event_wait_all(&ev, 0x81, false, K_TICKS(2)));
	check("wait_all_timeout_ticks", t0 + 1 + 2, k_uptime_ticks());
	k_event_clear(&ev, 0xffffffff);
}

static void test_blocking(void)
{
	start_waiter(wait_any, 0x30);
	check("any_waiter_blocked", 0xffffffff, waiter_result);
	k_event_post(&ev, 0x1);
	k_msleep(1);
	check("any_waiter_not_woken_by_other_bits", 0xffffffff, waiter_result);
	k_event_post(&ev, 0x20);
	k_thread_join(&waiter, K_FOREVER);
	check("any_waiter_gets_matched_bits", 0x20, waiter_result);

	k_event_clear(&ev, 0xffffffff);
	start_waiter(wait_all, 0x30);
	k_event_post(&ev, 0x10);
	k_msleep(1);
	check("all_waiter_not_woken_by_part", 0xffffffff, waiter_result);
	k_event_post(&ev, 0x20);
	k_thread_join(&waiter, K_FOREVER);
	check("all_waiter_gets_all_bits", 0x30, waiter_result);

	k_event_clear(&ev, 0xffffffff);
	start_waiter(wait_any, 0x8);
	k_event_set(&ev, 0xc);
	k_thread_join(&waiter, K_FOREVER);
	check("set_wakes_waiter", 0x8, waiter_result);
}

int main(void)
{
	test_post_set_clear();
	test_wait_no_wait();
	test_timeout();
	test_blocking();
	printk("DONE\n");
	return 0;
}
