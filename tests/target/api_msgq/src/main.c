/* k_msgq semantics.  Prints "PASS <name>" or "FAIL <name>: expected X got Y". */
#include <zephyr/kernel.h>

static void check(const char *name, long long expected, long long actual)
{
	if (expected == actual) {
		printk("PASS %s\n", name);
	} else {
		printk("FAIL %s: expected %lld got %lld\n", name, expected, actual);
	}
}

#define CAPACITY 3
K_MSGQ_DEFINE(queue, sizeof(uint32_t), CAPACITY, 4);

K_THREAD_STACK_DEFINE(peer_stack, 1024);
static struct k_thread peer;
static volatile int peer_result = 1;
static volatile uint32_t peer_message;

static int put(uint32_t value, k_timeout_t timeout)
{
	return k_msgq_put(&queue, &value, timeout);
}

static uint32_t get_value(int *result)
{
	uint32_t value = 0xdeadbeef;

	*result = k_msgq_get(&queue, &value, K_NO_WAIT);
	return value;
}

static void blocking_put(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	peer_result = put((uint32_t)(uintptr_t)p1, K_FOREVER);
}

static void blocking_get(void *p1, void *p2, void *p3)
{
	uint32_t value = 0;

	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	peer_result = k_msgq_get(&queue, &value, K_FOREVER);
	peer_message = value;
}

static void start_peer(k_thread_entry_t entry, uint32_t value)
{
	peer_result = 1;
	k_thread_create(&peer, peer_stack, K_THREAD_STACK_SIZEOF(peer_stack), entry,
			(void *)(uintptr_t)value, NULL, NULL, K_PRIO_PREEMPT(2), 0, K_NO_WAIT);
	k_msleep(1); /* the peer runs and blocks */
}

static void test_basics(void)
{
	uint32_t value = 0;
	int result;

	check("empty_free", CAPACITY, k_msgq_num_free_get(&queue));
	check("empty_used", 0, k_msgq_num_used_get(&queue));
	check("get_empty_no_wait_enomsg", -ENOMSG, k_msgq_get(&queue, &value, K_NO_WAIT));
	check("peek_empty_enomsg", -ENOMSG, k_msgq_peek(&queue, &value));

	check("put_1", 0, put(11, K_NO_WAIT));
	check("put_2", 0, put(22, K_NO_WAIT));
	check("put_3", 0, put(33, K_MSEC(10)));
	check("full_free", 0, k_msgq_num_free_get(&queue));
	check("full_used", CAPACITY, k_msgq_num_used_get(&queue));
	check("put_full_no_wait_enomsg", -ENOMSG, put(44, K_NO_WAIT));

	check("peek_ok", 0, k_msgq_peek(&queue, &value));
	check("peek_oldest", 11, value);
	check("peek_keeps_message", CAPACITY, k_msgq_num_used_get(&queue));
	check("get_fifo_1", 11, get_value(&result));
	check("get_fifo_1_result", 0, result);
	check("get_fifo_2", 22, get_value(&result));
	check("put_after_get", 0, put(55, K_NO_WAIT)); /* wraps around the ring */
	check("get_fifo_3", 33, get_value(&result));
	check("get_fifo_4", 55, get_value(&result));
	check("drained_used", 0, k_msgq_num_used_get(&queue));

	put(1, K_NO_WAIT);
	put(2, K_NO_WAIT);
	k_msgq_purge(&queue);
	check("purge_used", 0, k_msgq_num_used_get(&queue));
	check("purge_free", CAPACITY, k_msgq_num_free_get(&queue));
	check("get_after_purge_enomsg", -ENOMSG, k_msgq_get(&queue, &value, K_NO_WAIT));
}

static void test_timeouts(void)
{
	uint32_t value;

	for (uint32_t i = 0; i < CAPACITY; i++) {
		put(i, K_NO_WAIT);
	}
	int64_t t0 = k_uptime_ticks();

	check("put_full_timeout_eagain", -EAGAIN, put(99, K_TICKS(4)));
	check("put_full_timeout_ticks", t0 + 1 + 4, k_uptime_ticks());
	k_msgq_purge(&queue);

	t0 = k_uptime_ticks();
	check("get_empty_timeout_eagain", -EAGAIN, k_msgq_get(&queue, &value, K_TICKS(3)));
	check("get_empty_timeout_ticks", t0 + 1 + 3, k_uptime_ticks());
}

static void test_blocking(void)
{
	int result;

	/* A sender blocked on a full queue is admitted when a message is taken. */
	for (uint32_t i = 1; i <= CAPACITY; i++) {
		put(i, K_NO_WAIT);
	}
	start_peer(blocking_put, 77);
	check("sender_blocked", 1, peer_result);
	check("get_wakes_sender_value", 1, get_value(&result));
	k_thread_join(&peer, K_FOREVER);
	check("blocked_put_returns_0", 0, peer_result);
	check("blocked_message_queued", CAPACITY, k_msgq_num_used_get(&queue));
	check("order_after_blocked_put_1", 2, get_value(&result));
	check("order_after_blocked_put_2", 3, get_value(&result));
	check("order_after_blocked_put_3", 77, get_value(&result));

	/* A receiver blocked on an empty queue gets the next message directly. */
	start_peer(blocking_get, 0);
	check("receiver_blocked", 1, peer_result);
	check("put_to_waiting_receiver", 0, put(42, K_NO_WAIT));
	k_thread_join(&peer, K_FOREVER);
	check("blocked_get_returns_0", 0, peer_result);
	check("blocked_get_message", 42, peer_message);
	check("handed_over_not_queued", 0, k_msgq_num_used_get(&queue));

	/* Purging wakes blocked senders with -ENOMSG (Zephyr). */
	for (uint32_t i = 1; i <= CAPACITY; i++) {
		put(i, K_NO_WAIT);
	}
	start_peer(blocking_put, 88);
	k_msgq_purge(&queue);
	k_thread_join(&peer, K_FOREVER);
	check("purge_wakes_sender_enomsg", -ENOMSG, peer_result);
	check("purged_sender_not_queued", 0, k_msgq_num_used_get(&queue));
}

int main(void)
{
	test_basics();
	test_timeouts();
	test_blocking();
	printk("DONE\n");
	return 0;
}
