/* Pipes, Zephyr 4.1's API: byte counts, partial transfers on timeout, waiting readers fed
 * straight from a write, close and reset under waiters, and the user rules. */
#include <zephyr/ztest.h>

K_PIPE_DEFINE(pipe, 8, 4);
K_PIPE_DEFINE(not_granted, 8, 4);
struct k_pipe runtime_pipe;
static ZTEST_BMEM uint8_t runtime_ring[8];

static ZTEST_DMEM const uint8_t text[] = "0123456789abcdef";
static uint8_t kernel_only[8]; /* not in the user partition */
static struct k_thread helper;
static K_THREAD_STACK_DEFINE(helper_stack, 1024);
static ZTEST_BMEM uint8_t helper_data[16];
static ZTEST_BMEM int helper_result;

static void start_helper(k_thread_entry_t entry, uint32_t options)
{
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), entry, NULL,
			NULL, NULL, -1, options | K_INHERIT_PERMS, K_NO_WAIT);
	k_msleep(1); /* it runs until it waits */
}

static void read_twelve(void *p1, void *p2, void *p3)
{
	helper_result = k_pipe_read(&pipe, helper_data, 12, K_FOREVER);
}

static void write_twelve(void *p1, void *p2, void *p3)
{
	helper_result = k_pipe_write(&pipe, text, 12, K_FOREVER);
}

ZTEST(pipe_streams, test_writes_and_reads_count_bytes)
{
	uint8_t out[16];

	zassert_equal(pipe.flags, PIPE_FLAG_OPEN);
	zassert_equal(k_pipe_write(&pipe, text, 5, K_NO_WAIT), 5);
	zassert_equal(k_pipe_write(&pipe, text + 5, 5, K_NO_WAIT), 3, "the ring holds 8");
	zassert_equal(k_pipe_write(&pipe, text, 1, K_NO_WAIT), -EAGAIN);
	zassert_equal(k_pipe_write(&pipe, text, 1, K_MSEC(5)), -EAGAIN);
	zassert_equal(k_pipe_read(&pipe, out, 16, K_NO_WAIT), 8);
	zassert_mem_equal(out, text, 8);
	zassert_equal(k_pipe_read(&pipe, out, 1, K_NO_WAIT), -EAGAIN);
	zassert_equal(k_pipe_write(&pipe, text, 3, K_NO_WAIT), 3);
	zassert_equal(k_pipe_read(&pipe, out, 6, K_MSEC(5)), 3, "what arrived before the timeout");
}

ZTEST(pipe_streams, test_a_waiting_reader_is_fed_and_a_waiting_writer_goes_on)
{
	uint8_t out[16];

	start_helper(read_twelve, 0);
	zassert_equal(k_pipe_write(&pipe, text, 5, K_NO_WAIT), 5, "straight to the reader");
	zassert_equal(k_pipe_write(&pipe, text + 5, 10, K_NO_WAIT), 10, "7 to it, 3 to the ring");
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(helper_result, 12);
	zassert_mem_equal(helper_data, text, 12);
	zassert_equal(k_pipe_read(&pipe, out, 3, K_NO_WAIT), 3);
	zassert_mem_equal(out, text + 12, 3);

	start_helper(write_twelve, 0);
	zassert_equal(k_pipe_read(&pipe, out, 16, K_NO_WAIT), 8, "the ring was full");
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(helper_result, 12, "it went on once there was room");
	zassert_equal(k_pipe_read(&pipe, out, 16, K_NO_WAIT), 4);
	zassert_mem_equal(out, text + 8, 4);
}

static void close_later(void *p1, void *p2, void *p3)
{
	k_msleep(5);
	k_pipe_close(&pipe);
}

ZTEST(pipe_streams, test_close_ends_waits_and_leaves_the_rest_to_read)
{
	uint8_t out[16];

	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), close_later,
			NULL, NULL, NULL, 0, 0, K_NO_WAIT);
	zassert_equal(k_pipe_read(&pipe, out, 4, K_FOREVER), -EPIPE);
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(pipe.flags & PIPE_FLAG_OPEN, 0);
	zassert_equal(k_pipe_write(&pipe, text, 1, K_NO_WAIT), -EPIPE);

	k_pipe_init(&pipe, pipe.buffer, 8);
	zassert_equal(k_pipe_write(&pipe, text, 6, K_NO_WAIT), 6);
	k_pipe_close(&pipe);
	zassert_equal(k_pipe_read(&pipe, out, 4, K_NO_WAIT), 4);
	zassert_equal(k_pipe_read(&pipe, out, 4, K_FOREVER), 2, "the rest, then no wait");
	zassert_equal(k_pipe_read(&pipe, out, 4, K_FOREVER), -EPIPE);
}

static void reset_later(void *p1, void *p2, void *p3)
{
	k_msleep(5);
	k_pipe_reset(&pipe);
}

ZTEST(pipe_streams, test_reset_cancels_waiters_and_discards_bytes)
{
	uint8_t out[4];

	zassert_equal(k_pipe_write(&pipe, text, 8, K_NO_WAIT), 8);
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), reset_later,
			NULL, NULL, NULL, 0, 0, K_NO_WAIT);
	zassert_equal(k_pipe_write(&pipe, text, 4, K_FOREVER), -ECANCELED);
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(pipe.flags, PIPE_FLAG_OPEN, "open, and the reset is over");
	zassert_equal(k_pipe_read(&pipe, out, 4, K_NO_WAIT), -EAGAIN, "nothing left");
}

ZTEST_USER(pipe_streams, test_user_threads_init_write_and_read)
{
	uint8_t out[4];

	k_pipe_init(&runtime_pipe, runtime_ring, sizeof(runtime_ring));
	zassert_equal(k_pipe_write(&runtime_pipe, text, 4, K_NO_WAIT), 4);
	zassert_equal(k_pipe_read(&runtime_pipe, out, 4, K_NO_WAIT), 4);
	zassert_mem_equal(out, text, 4);
}

ZTEST_USER(pipe_streams, test_user_pipe_without_permission_oopses)
{
	ztest_set_fault_valid(true);
	k_pipe_reset(&not_granted);
	ztest_test_fail();
}

ZTEST_USER(pipe_streams, test_user_ring_in_kernel_memory_oopses)
{
	ztest_set_fault_valid(true);
	k_pipe_init(&runtime_pipe, kernel_only, sizeof(kernel_only));
	ztest_test_fail();
}

ZTEST_USER(pipe_streams, test_user_read_into_kernel_memory_oopses)
{
	ztest_set_fault_valid(true);
	k_pipe_read(&pipe, kernel_only, 4, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_USER(pipe_streams, test_user_write_from_kernel_memory_oopses)
{
	ztest_set_fault_valid(true);
	k_pipe_write(&pipe, kernel_only, 4, K_NO_WAIT);
	ztest_test_fail();
}

static void before_each(void *fixture)
{
	ARG_UNUSED(fixture);
	k_pipe_init(&pipe, pipe.buffer, 8);
	helper_result = 0;
	k_thread_access_grant(k_current_get(), &pipe, &runtime_pipe, &helper, &helper_stack);
}

ZTEST_SUITE(pipe_streams, NULL, NULL, before_each, NULL, NULL);
