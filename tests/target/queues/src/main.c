/* Queues and stacks: order, blocking with timeouts, handing items to waiters, ISRs,
 * the allocating variants from a user thread's resource pool, and the user rules. */
#include <zephyr/ztest.h>
#include <zephyr/irq_offload.h>

struct item {
	void *reserved; /* the kernel's, as in Zephyr */
	int value;
};

static struct item items[4] = { { NULL, 1 }, { NULL, 2 }, { NULL, 3 }, { NULL, 4 } };

K_FIFO_DEFINE(fifo);
K_LIFO_DEFINE(lifo);
K_QUEUE_DEFINE(queue);
K_STACK_DEFINE(stack, 3);
K_HEAP_DEFINE(user_pool, 64);

static struct k_thread helper;
static K_THREAD_STACK_DEFINE(helper_stack, 1024);

static void drain(void)
{
	while (k_fifo_get(&fifo, K_NO_WAIT) != NULL) {
	}
	while (k_lifo_get(&lifo, K_NO_WAIT) != NULL) {
	}
	while (k_queue_get(&queue, K_NO_WAIT) != NULL) {
	}
	stack_data_t value;

	while (k_stack_pop(&stack, &value, K_NO_WAIT) == 0) {
	}
}

static void before_each(void *fixture)
{
	ARG_UNUSED(fixture);
	drain();
}

ZTEST(queues, test_fifo_is_first_in_first_out)
{
	zassert_true(k_fifo_is_empty(&fifo));
	k_fifo_put(&fifo, &items[0]);
	k_fifo_put(&fifo, &items[1]);
	zassert_equal_ptr(k_fifo_peek_head(&fifo), &items[0]);
	zassert_equal_ptr(k_fifo_peek_tail(&fifo), &items[1]);
	zassert_equal_ptr(k_fifo_get(&fifo, K_NO_WAIT), &items[0]);
	zassert_equal_ptr(k_fifo_get(&fifo, K_NO_WAIT), &items[1]);
	zassert_is_null(k_fifo_get(&fifo, K_NO_WAIT));
}

ZTEST(queues, test_lifo_is_last_in_first_out)
{
	k_lifo_put(&lifo, &items[0]);
	k_lifo_put(&lifo, &items[1]);
	zassert_equal_ptr(k_lifo_get(&lifo, K_NO_WAIT), &items[1]);
	zassert_equal_ptr(k_lifo_get(&lifo, K_NO_WAIT), &items[0]);
}

ZTEST(queues, test_queue_insert_remove_unique_and_lists)
{
	k_queue_append(&queue, &items[0]);
	k_queue_insert(&queue, &items[0], &items[2]);
	k_queue_prepend(&queue, &items[1]);
	zassert_true(k_queue_remove(&queue, &items[0]));
	zassert_false(k_queue_remove(&queue, &items[0]));
	zassert_false(k_queue_unique_append(&queue, &items[2]));
	zassert_equal_ptr(k_queue_get(&queue, K_NO_WAIT), &items[1]);
	zassert_equal_ptr(k_queue_get(&queue, K_NO_WAIT), &items[2]);
	/* A list linked through the first words: 3 -> 4. */
	items[2].reserved = &items[3];
	zassert_equal(k_fifo_put_list(&fifo, &items[2], &items[3]), 0);
	zassert_equal_ptr(k_fifo_get(&fifo, K_NO_WAIT), &items[2]);
	zassert_equal_ptr(k_fifo_get(&fifo, K_NO_WAIT), &items[3]);
	zassert_equal(k_queue_append_list(&queue, NULL, &items[3]), -EINVAL);
}

ZTEST(queues, test_get_times_out_with_null)
{
	int64_t start = k_uptime_get();

	zassert_is_null(k_fifo_get(&fifo, K_MSEC(50)));
	zassert_true(k_uptime_get() - start >= 50);
}

static void put_later(void *p1, void *p2, void *p3)
{
	k_msleep(10);
	k_fifo_put(&fifo, &items[3]);
}

ZTEST(queues, test_a_waiting_getter_is_handed_the_item)
{
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), put_later,
			NULL, NULL, NULL, 0, 0, K_NO_WAIT);
	zassert_equal_ptr(k_fifo_get(&fifo, K_FOREVER), &items[3]);
	k_thread_join(&helper, K_FOREVER);
}

static void cancel_later(void *p1, void *p2, void *p3)
{
	k_msleep(10);
	k_fifo_cancel_wait(&fifo);
}

ZTEST(queues, test_cancel_wait_returns_null)
{
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), cancel_later,
			NULL, NULL, NULL, 0, 0, K_NO_WAIT);
	zassert_is_null(k_fifo_get(&fifo, K_FOREVER));
	k_thread_join(&helper, K_FOREVER);
}

static void put_from_isr(const void *parameter)
{
	k_fifo_put(&fifo, (void *)parameter);
	zassert_equal(k_stack_push(&stack, 7), 0);
}

ZTEST(queues, test_isrs_put_and_push)
{
	irq_offload(put_from_isr, &items[1]);
	zassert_equal_ptr(k_fifo_get(&fifo, K_NO_WAIT), &items[1]);
	stack_data_t value = 0;

	zassert_equal(k_stack_pop(&stack, &value, K_NO_WAIT), 0);
	zassert_equal(value, 7);
}

ZTEST(queues, test_stack_is_bounded_and_pops_in_reverse)
{
	stack_data_t value;

	zassert_equal(k_stack_push(&stack, 1), 0);
	zassert_equal(k_stack_push(&stack, 2), 0);
	zassert_equal(k_stack_push(&stack, 3), 0);
	zassert_equal(k_stack_push(&stack, 4), -ENOMEM);
	zassert_equal(k_stack_pop(&stack, &value, K_NO_WAIT), 0);
	zassert_equal(value, 3);
	zassert_equal(k_stack_pop(&stack, &value, K_NO_WAIT), 0);
	zassert_equal(k_stack_pop(&stack, &value, K_NO_WAIT), 0);
	zassert_equal(value, 1);
	zassert_equal(k_stack_pop(&stack, &value, K_NO_WAIT), -EBUSY);
	zassert_equal(k_stack_pop(&stack, &value, K_MSEC(5)), -EAGAIN);
}

static void *queues_setup(void)
{
	k_thread_heap_assign(k_current_get(), &user_pool);
	k_object_access_grant(&fifo, k_current_get());
	return NULL;
}

/* ---- user mode ---------------------------------------------------------------------- */

ZTEST_USER(queues, test_user_alloc_put_takes_the_pool_and_gives_it_back)
{
	int queued = 0;

	/* 64 bytes of pool: a few 8-byte nodes, then -ENOMEM. */
	while (k_fifo_alloc_put(&fifo, &items[0]) == 0) {
		queued++;
	}
	zassert_true(queued >= 4 && queued <= 8, "%d nodes", queued);
	zassert_equal(k_fifo_alloc_put(&fifo, &items[0]), -ENOMEM);
	zassert_equal_ptr(k_fifo_get(&fifo, K_NO_WAIT), &items[0]);
	/* The node went back with its item: one more fits. */
	zassert_equal(k_fifo_alloc_put(&fifo, &items[0]), 0);
}

ZTEST_USER(queues, test_user_plain_put_is_not_a_system_call)
{
	ztest_set_fault_valid(true);
	k_fifo_put(&fifo, &items[0]);
	ztest_test_fail();
}

ZTEST_USER(queues, test_user_needs_permission_on_the_queue)
{
	ztest_set_fault_valid(true);
	(void)k_queue_is_empty(&queue); /* never granted */
	ztest_test_fail();
}

static void before_user(void *fixture)
{
	before_each(fixture);
	k_thread_heap_assign(k_current_get(), &user_pool);
	k_object_access_grant(&fifo, k_current_get());
}

ZTEST_SUITE(queues, NULL, queues_setup, before_user, NULL, NULL);
