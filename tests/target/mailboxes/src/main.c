/* Mailboxes: what the two descriptors say after a meeting, addressing by thread, data
 * taken at once or later (or discarded), synchronous senders waiting for their receiver,
 * asynchronous messages and their bounded descriptors, timeouts, and the rule that user
 * threads cannot use mailboxes (a kernel API in Zephyr). */
#include <zephyr/ztest.h>

K_MBOX_DEFINE(mbox);
K_SEM_DEFINE(async_done, 0, 10);

static struct k_thread helper;
static struct k_thread other;
static K_THREAD_STACK_DEFINE(helper_stack, 1024);
static K_THREAD_STACK_DEFINE(other_stack, 1024);

static char sent[16] = "fifteen chars..";
static char received[16];
static volatile int put_result;
static volatile size_t put_size_seen;
static volatile uint32_t put_info_seen;
static volatile k_tid_t put_target_seen;
static volatile int helper_steps;

static void sync_sender(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	struct k_mbox_msg msg = {
		.size = sizeof(sent), .info = 0x1234, .tx_data = sent,
		.tx_target_thread = (k_tid_t)p1,
	};

	put_result = k_mbox_put(&mbox, &msg, K_MSEC(50));
	put_size_seen = msg.size;
	put_info_seen = msg.info;
	put_target_seen = msg.tx_target_thread;
	helper_steps++;
}

static void start_sender(k_tid_t target, int priority)
{
	put_result = 99;
	helper_steps = 0;
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), sync_sender,
			(void *)target, NULL, NULL, priority, 0, K_NO_WAIT);
	k_msleep(1); /* the ztest thread is cooperative: let the sender reach its put */
}

static void before_each(void *fixture)
{
	ARG_UNUSED(fixture);
	memset(received, 0, sizeof(received));
	k_sem_reset(&async_done);
}

ZTEST(mailboxes, test_a_waiting_sender_meets_a_receiver_and_both_descriptors_say_so)
{
	start_sender(K_ANY, 1); /* more important: it waits in k_mbox_put */
	struct k_mbox_msg msg = { .size = 8, .info = 0x99, .rx_source_thread = K_ANY };

	zassert_equal(k_mbox_get(&mbox, &msg, received, K_NO_WAIT), 0);
	zassert_equal(msg.size, 8, "the smaller of the two sizes");
	zassert_equal(msg.info, 0x1234);
	zassert_equal_ptr(msg.rx_source_thread, &helper);
	zassert_equal_ptr(msg.tx_data, sent);
	zassert_mem_equal(received, sent, 8);
	zassert_equal(received[8], 0, "nothing past the receiver's size");
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(put_result, 0);
	zassert_equal(put_size_seen, 8, "the sender learns how much was received");
	zassert_equal(put_info_seen, 0x99, "the two swap info");
	zassert_equal_ptr(put_target_seen, k_current_get());
}

ZTEST(mailboxes, test_a_sender_waits_until_its_receiver_takes_the_data)
{
	start_sender(K_ANY, 1);
	struct k_mbox_msg msg = { .size = sizeof(received), .rx_source_thread = K_ANY };

	zassert_equal(k_mbox_get(&mbox, &msg, NULL, K_NO_WAIT), 0);
	k_msleep(100); /* past the sender's 50 ms: received, it no longer times out */
	zassert_equal(helper_steps, 0, "the sender waits for k_mbox_data_get");
	k_mbox_data_get(&msg, received);
	zassert_mem_equal(received, sent, sizeof(sent));
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(put_result, 0);
	zassert_equal(put_size_seen, sizeof(sent));
}

ZTEST(mailboxes, test_no_buffer_discards_the_data)
{
	start_sender(K_ANY, 1);
	struct k_mbox_msg msg = { .size = sizeof(received), .rx_source_thread = K_ANY };

	zassert_equal(k_mbox_get(&mbox, &msg, NULL, K_NO_WAIT), 0);
	k_mbox_data_get(&msg, NULL);
	zassert_equal(msg.size, 0);
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(put_size_seen, 0, "the sender learns nothing was taken");
}

ZTEST(mailboxes, test_a_message_for_another_thread_is_not_received)
{
	start_sender(&other, 1); /* for a thread that is not main */
	struct k_mbox_msg msg = { .size = sizeof(received), .rx_source_thread = K_ANY };

	zassert_equal(k_mbox_get(&mbox, &msg, received, K_NO_WAIT), -ENOMSG);
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(put_result, -EAGAIN, "nobody took it within the timeout");
}

ZTEST(mailboxes, test_a_receiver_names_its_sender)
{
	start_sender(K_ANY, 1);
	struct k_mbox_msg msg = { .size = sizeof(received), .rx_source_thread = &other };

	zassert_equal(k_mbox_get(&mbox, &msg, received, K_MSEC(10)), -EAGAIN);
	msg.rx_source_thread = &helper;
	zassert_equal(k_mbox_get(&mbox, &msg, received, K_NO_WAIT), 0);
	k_thread_join(&helper, K_FOREVER);
}

static void receiver(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	struct k_mbox_msg msg = { .size = sizeof(received), .rx_source_thread = K_ANY };

	put_result = k_mbox_get(&mbox, &msg, received, K_FOREVER);
	helper_steps++;
}

ZTEST(mailboxes, test_a_put_wakes_a_waiting_receiver_and_lets_it_run_first)
{
	/* An equal of main's priority: Zephyr's sender waits until its receiver has the
	 * data, so the receiver runs before the put returns. */
	helper_steps = 0;
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), receiver,
			NULL, NULL, NULL, k_thread_priority_get(k_current_get()), 0, K_NO_WAIT);
	k_yield();
	struct k_mbox_msg msg = { .size = 4, .tx_data = "abc", .tx_target_thread = K_ANY };

	zassert_equal(k_mbox_put(&mbox, &msg, K_NO_WAIT), 0);
	zassert_equal(helper_steps, 1, "the receiver ran before the put returned");
	zassert_mem_equal(received, "abc", 4);
	k_thread_join(&helper, K_FOREVER);
}

ZTEST(mailboxes, test_nothing_to_receive_or_nobody_to_send_to)
{
	struct k_mbox_msg msg = { .size = 4, .tx_data = "abc", .tx_target_thread = K_ANY };

	zassert_equal(k_mbox_put(&mbox, &msg, K_NO_WAIT), -ENOMSG);
	zassert_equal(k_mbox_put(&mbox, &msg, K_MSEC(5)), -EAGAIN);
	msg.rx_source_thread = K_ANY;
	zassert_equal(k_mbox_get(&mbox, &msg, received, K_NO_WAIT), -ENOMSG);
	zassert_equal(k_mbox_get(&mbox, &msg, received, K_MSEC(5)), -EAGAIN);
}

static void async_sender(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	struct k_mbox_msg msg = { .size = 2, .info = 3, .tx_data = "c", .tx_target_thread = K_ANY };

	k_mbox_async_put(&mbox, &msg, &async_done); /* the third: waits for a descriptor */
	helper_steps++;
}

ZTEST(mailboxes, test_asynchronous_messages_give_their_semaphore_and_are_bounded)
{
	struct k_mbox_msg a = { .size = 2, .info = 1, .tx_data = "a", .tx_target_thread = K_ANY };
	struct k_mbox_msg b = { .size = 2, .info = 2, .tx_data = "b", .tx_target_thread = K_ANY };

	k_mbox_async_put(&mbox, &a, &async_done);
	k_mbox_async_put(&mbox, &b, NULL);
	a.info = 0x77; /* the kernel holds a copy of the descriptor */
	helper_steps = 0;
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), async_sender,
			NULL, NULL, NULL, 1, 0, K_NO_WAIT);
	k_msleep(1);
	zassert_equal(helper_steps, 0, "CONFIG_NUM_MBOX_ASYNC_MSGS=2: the third waits");

	struct k_mbox_msg msg = { .size = sizeof(received), .rx_source_thread = K_ANY };

	zassert_equal(k_mbox_get(&mbox, &msg, received, K_NO_WAIT), 0);
	zassert_equal(msg.info, 1);
	zassert_equal(msg.size, 2);
	zassert_equal(k_sem_take(&async_done, K_NO_WAIT), 0, "received: its semaphore given");
	k_msleep(1);
	zassert_equal(helper_steps, 1, "a freed descriptor let the third sender go on");
	zassert_equal_ptr(msg.rx_source_thread, k_current_get(), "the receiver learns the source");
	zassert_equal(k_mbox_get(&mbox, &msg, received, K_NO_WAIT), 0, "from the same source");
	zassert_equal(msg.info, 2);
	zassert_equal(k_mbox_get(&mbox, &msg, received, K_NO_WAIT), -ENOMSG,
		      "the third is from another thread");
	msg.rx_source_thread = K_ANY;
	zassert_equal(k_mbox_get(&mbox, &msg, received, K_NO_WAIT), 0);
	zassert_equal(msg.info, 3);
	zassert_mem_equal(received, "c", 2);
	zassert_equal(k_sem_take(&async_done, K_NO_WAIT), 0);
	k_thread_join(&helper, K_FOREVER);
}

ZTEST(mailboxes, test_a_mailbox_on_the_stack_becomes_other_memory_afterwards)
{
	/* Not a kernel object in Zephyr: its memory may become one of another kind. */
	union {
		struct k_mbox mbox;
		struct k_sem sem;
	} local;

	k_mbox_init(&local.mbox);
	zassert_equal(k_sem_init(&local.sem, 1, 1), 0);
	zassert_equal(k_sem_take(&local.sem, K_NO_WAIT), 0);
}

/* ---- user mode: a kernel API, refused ---------------------------------------------- */

ZTEST_USER(mailboxes, test_user_threads_cannot_use_mailboxes)
{
	struct k_mbox_msg msg = { .size = 0, .rx_source_thread = K_ANY };

	ztest_set_fault_valid(true);
	(void)k_mbox_get(&mbox, &msg, NULL, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_SUITE(mailboxes, NULL, NULL, before_each, NULL, NULL);
