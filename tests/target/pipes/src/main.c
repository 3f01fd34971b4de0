/* Pipes, Zephyr 3.7's API: min_xfer and partial transfers, -EIO and -EAGAIN, waiters fed
 * directly, flushes, the mirrored fields, allocated rings, and the user rules. */
#include <zephyr/ztest.h>
#include <zephyr/irq_offload.h>

K_PIPE_DEFINE(ring8, 8, 4);
K_PIPE_DEFINE(bufferless, 0, 4);
K_PIPE_DEFINE(not_granted, 8, 4);
struct k_pipe never_initialised;
struct k_pipe allocated;
K_HEAP_DEFINE(user_pool, 64);

static ZTEST_DMEM const char text[] = "0123456789abcdef";
static char kernel_only[16]; /* not in the user partition */
static struct k_thread helper;
static K_THREAD_STACK_DEFINE(helper_stack, 1024);
static ZTEST_BMEM char helper_data[16];
static ZTEST_BMEM size_t helper_count;
static ZTEST_BMEM int helper_result;

ZTEST(pipes, test_put_and_get_honour_min_xfer)
{
	size_t count = 99;
	char out[16] = { 0 };

	/* 12 bytes into 8 bytes of ring, without waiting: 8 go, and that is success. */
	zassert_equal(k_pipe_put(&ring8, text, 12, &count, 4, K_NO_WAIT), 0);
	zassert_equal(count, 8);
	/* Full: less than min_xfer possible without waiting is -EIO, nothing moves. */
	zassert_equal(k_pipe_put(&ring8, text, 4, &count, 1, K_NO_WAIT), -EIO);
	zassert_equal(count, 0);
	/* min_xfer 0 asks for nothing: success with nothing written. */
	zassert_equal(k_pipe_put(&ring8, text, 4, &count, 0, K_NO_WAIT), 0);
	zassert_equal(count, 0);
	/* Waiting, short of min_xfer: -EAGAIN with what did go through. */
	zassert_equal(k_pipe_put(&ring8, text, 4, &count, 2, K_MSEC(5)), -EAGAIN);
	zassert_equal(count, 0);
	zassert_equal(k_pipe_get(&ring8, out, 16, &count, 10, K_NO_WAIT), -EIO);
	zassert_equal(k_pipe_get(&ring8, out, 3, &count, 3, K_FOREVER), 0);
	zassert_equal(count, 3);
	zassert_mem_equal(out, "012", 3);
	/* min_xfer met at once returns at once, even with K_FOREVER. */
	zassert_equal(k_pipe_get(&ring8, out, 16, &count, 1, K_FOREVER), 0);
	zassert_equal(count, 5);
	zassert_mem_equal(out, "34567", 5);
	zassert_equal(k_pipe_get(&ring8, out, 4, &count, 1, K_MSEC(5)), -EAGAIN);
	zassert_equal(count, 0);
	zassert_equal(k_pipe_put(&ring8, text, 1, &count, 2, K_NO_WAIT), -EINVAL);
	zassert_equal(k_pipe_put(&ring8, text, 4, NULL, 1, K_NO_WAIT), -EINVAL);
	zassert_equal(k_pipe_get(&ring8, out, 4, NULL, 1, K_NO_WAIT), -EINVAL);
}

static void read_six(void *p1, void *p2, void *p3)
{
	helper_result = k_pipe_get(p1, helper_data, 6, &helper_count, 6, K_FOREVER);
}

static void write_six(void *p1, void *p2, void *p3)
{
	helper_result = k_pipe_put(p1, "ABCDEF", 6, &helper_count, 6, K_FOREVER);
}

static void start_helper(k_thread_entry_t entry, struct k_pipe *pipe, uint32_t options)
{
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), entry, pipe,
			NULL, NULL, -1, options | K_INHERIT_PERMS, K_NO_WAIT);
	k_msleep(1); /* it runs until it waits */
}

ZTEST(pipes, test_a_bufferless_pipe_hands_bytes_from_writer_to_reader)
{
	size_t count;
	char out[8] = { 0 };

	zassert_equal(k_pipe_read_avail(&bufferless), 0);
	zassert_equal(k_pipe_write_avail(&bufferless), 0);
	start_helper(read_six, &bufferless, 0);
	/* The reader waits for 6; 4 go straight into its buffer, it keeps waiting. */
	zassert_equal(k_pipe_put(&bufferless, "abcd", 4, &count, 4, K_NO_WAIT), 0);
	zassert_equal(count, 4);
	zassert_equal(helper_result, 0, "not woken yet (the helper's result is 0 from bss)");
	zassert_equal(k_pipe_put(&bufferless, "efgh", 4, &count, 1, K_NO_WAIT), 0);
	zassert_equal(count, 2, "only what the reader still wanted");
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(helper_count, 6);
	zassert_mem_equal(helper_data, "abcdef", 6);

	/* A waiting writer is drained by a reader. */
	start_helper(write_six, &bufferless, 0);
	zassert_equal(k_pipe_get(&bufferless, out, 6, &count, 6, K_NO_WAIT), 0);
	zassert_mem_equal(out, "ABCDEF", 6);
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(helper_result, 0);
	zassert_equal(helper_count, 6);
}

ZTEST(pipes, test_a_reader_refills_the_ring_from_waiting_writers)
{
	size_t count;
	char out[16] = { 0 };

	zassert_equal(k_pipe_put(&ring8, text, 8, &count, 8, K_NO_WAIT), 0);
	start_helper(write_six, &ring8, 0);
	zassert_equal(k_pipe_read_avail(&ring8), 8);
	zassert_equal(k_pipe_get(&ring8, out, 10, &count, 10, K_NO_WAIT), 0);
	zassert_mem_equal(out, "01234567AB", 10);
	/* The writer's last 4 bytes went into the ring: it is done. */
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(helper_result, 0);
	zassert_equal(k_pipe_read_avail(&ring8), 4);
	zassert_equal(k_pipe_write_avail(&ring8), 4);
	zassert_equal(ring8.bytes_used, 4, "the kernel mirrors Zephyr's fields");
	k_pipe_flush(&ring8);
	zassert_equal(k_pipe_read_avail(&ring8), 0);
}

ZTEST(pipes, test_buffer_flush_lets_a_writer_refill)
{
	size_t count;

	zassert_equal(k_pipe_put(&ring8, text, 8, &count, 8, K_NO_WAIT), 0);
	start_helper(write_six, &ring8, 0);
	k_pipe_buffer_flush(&ring8);
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(helper_result, 0);
	zassert_equal(k_pipe_read_avail(&ring8), 6);
	k_pipe_flush(&ring8);
}

static void put_from_isr(const void *parameter)
{
	size_t count;

	helper_result = k_pipe_put((struct k_pipe *)parameter, "xy", 2, &count, 2, K_FOREVER);
	helper_count = count;
}

ZTEST(pipes, test_an_isr_does_not_wait)
{
	size_t count;

	zassert_equal(k_pipe_put(&ring8, text, 7, &count, 7, K_NO_WAIT), 0);
	irq_offload(put_from_isr, &ring8);
	zassert_equal(helper_result, -EAGAIN);
	zassert_equal(helper_count, 1);
	k_pipe_flush(&ring8);
}

ZTEST(pipes, test_alloc_init_takes_the_pool_and_cleanup_gives_it_back)
{
	size_t count;

	zassert_equal(k_pipe_alloc_init(&allocated, 128), -ENOMEM);
	zassert_equal(k_pipe_alloc_init(&allocated, 48), 0);
	zassert_not_null(allocated.buffer);
	zassert_equal(allocated.flags & K_PIPE_FLAG_ALLOC, K_PIPE_FLAG_ALLOC);
	zassert_equal(k_pipe_put(&allocated, text, 16, &count, 16, K_NO_WAIT), 0);
	zassert_equal(k_pipe_cleanup(&allocated), 0);
	zassert_is_null(allocated.buffer);
	zassert_equal(allocated.size, 0);
	zassert_equal(k_pipe_alloc_init(&allocated, 48), 0, "the ring went back to the pool");
	start_helper(read_six, &allocated, 0);
	zassert_equal(k_pipe_cleanup(&allocated), -EAGAIN, "a reader waits");
	k_thread_abort(&helper);
	zassert_equal(k_pipe_cleanup(&allocated), 0);
	zassert_equal(k_pipe_cleanup(&ring8), 0, "nothing to give back");
	zassert_not_null(ring8.buffer);
}

/* ---- user threads ---------------------------------------------------------------------- */

ZTEST_USER(pipes, test_user_threads_put_and_get)
{
	size_t count;
	char out[8];

	zassert_equal(k_pipe_put(&ring8, text, 5, &count, 5, K_NO_WAIT), 0);
	zassert_equal(k_pipe_read_avail(&ring8), 5);
	zassert_equal(k_pipe_write_avail(&ring8), 3);
	zassert_equal(k_pipe_get(&ring8, out, 5, &count, 5, K_NO_WAIT), 0);
	zassert_mem_equal(out, "01234", 5);
}

ZTEST_USER(pipes, test_user_put_from_kernel_memory_oopses)
{
	size_t count;

	ztest_set_fault_valid(true);
	k_pipe_put(&ring8, kernel_only, 4, &count, 1, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_USER(pipes, test_user_get_into_kernel_memory_oopses)
{
	size_t count;

	ztest_set_fault_valid(true);
	k_pipe_get(&ring8, kernel_only, 4, &count, 1, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_USER(pipes, test_user_null_count_oopses)
{
	ztest_set_fault_valid(true);
	k_pipe_put(&ring8, text, 4, NULL, 1, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_USER(pipes, test_user_pipe_without_permission_oopses)
{
	ztest_set_fault_valid(true);
	k_pipe_read_avail(&not_granted);
	ztest_test_fail();
}

ZTEST_USER(pipes, test_user_uninitialised_pipe_oopses)
{
	size_t count;

	ztest_set_fault_valid(true);
	k_pipe_put(&never_initialised, text, 4, &count, 1, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_USER(pipes, test_user_alloc_init_of_a_live_pipe_oopses)
{
	ztest_set_fault_valid(true);
	k_pipe_alloc_init(&ring8, 8);
	ztest_test_fail();
}

ZTEST_USER(pipes, test_user_cleanup_is_not_a_system_call)
{
	ztest_set_fault_valid(true);
	k_pipe_cleanup(&ring8);
	ztest_test_fail();
}

static void before_each(void *fixture)
{
	ARG_UNUSED(fixture);
	k_pipe_flush(&ring8);
	helper_result = 0;
	helper_count = 0;
	k_thread_heap_assign(k_current_get(), &user_pool);
	k_thread_access_grant(k_current_get(), &ring8, &bufferless, &never_initialised,
			      &allocated, &helper, &helper_stack);
}

ZTEST_SUITE(pipes, NULL, NULL, before_each, NULL, NULL);
