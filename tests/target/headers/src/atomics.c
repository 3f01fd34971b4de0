/* <zephyr/sys/atomic.h>: values returned and left, wraparound, bit arrays, pointers,
 * from user mode, and increments that survive two threads preempting each other. */
#include <limits.h>
#include <zephyr/ztest.h>
#include <zephyr/sys/atomic.h>

ZTEST(headers, test_atomic_arithmetic_returns_old_values_and_wraps)
{
	atomic_t value = ATOMIC_INIT(LONG_MAX);

	zassert_equal(atomic_add(&value, 1), LONG_MAX);
	zassert_equal(atomic_get(&value), LONG_MIN, "adding past LONG_MAX wraps");
	zassert_equal(atomic_sub(&value, 1), LONG_MIN);
	zassert_equal(atomic_get(&value), LONG_MAX, "subtracting past LONG_MIN wraps");
	zassert_equal(atomic_set(&value, 10), LONG_MAX);
	zassert_equal(atomic_inc(&value), 10);
	zassert_equal(atomic_dec(&value), 11);
	zassert_equal(atomic_add(&value, -15), 10);
	zassert_equal(atomic_get(&value), -5);
	zassert_equal(atomic_clear(&value), -5);
	zassert_equal(atomic_get(&value), 0);

	atomic_set(&value, 0x0f0);
	zassert_equal(atomic_or(&value, 0x00f), 0x0f0);
	zassert_equal(atomic_xor(&value, 0x0ff), 0x0ff);
	zassert_equal(atomic_get(&value), 0x000);
	atomic_set(&value, 0x3c);
	zassert_equal(atomic_and(&value, 0x0f), 0x3c);
	zassert_equal(atomic_get(&value), 0x0c);
	zassert_equal(atomic_nand(&value, 0x04), 0x0c);
	zassert_equal(atomic_get(&value), ~0x04L);
}

ZTEST(headers, test_atomic_cas_changes_only_the_expected_value)
{
	atomic_t value = ATOMIC_INIT(7);

	zassert_false(atomic_cas(&value, 8, 9));
	zassert_equal(atomic_get(&value), 7, "a failed CAS leaves the value");
	zassert_true(atomic_cas(&value, 7, 9));
	zassert_equal(atomic_get(&value), 9);

	int first, second;
	atomic_ptr_t pointer = ATOMIC_PTR_INIT(&first);

	zassert_equal_ptr(atomic_ptr_get(&pointer), &first);
	zassert_false(atomic_ptr_cas(&pointer, &second, NULL));
	zassert_true(atomic_ptr_cas(&pointer, &first, &second));
	zassert_equal_ptr(atomic_ptr_set(&pointer, &first), &second);
	zassert_equal_ptr(atomic_ptr_clear(&pointer), &first);
	zassert_is_null(atomic_ptr_get(&pointer));
}

ZTEST(headers, test_atomic_bit_arrays_span_words)
{
	ATOMIC_DEFINE(bits, 100);

	BUILD_ASSERT(ATOMIC_BITS == 32);
	BUILD_ASSERT(ARRAY_SIZE(bits) == 4, "100 bits take four words");
	BUILD_ASSERT(ATOMIC_BITMAP_SIZE(64) == 2 && ATOMIC_BITMAP_SIZE(65) == 3);
	zassert_equal(ATOMIC_MASK(35), BIT(3));
	zassert_equal_ptr(ATOMIC_ELEM(bits, 35), &bits[1]);
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
		atomic_clear(&bits[i]);
	}

	atomic_set_bit(bits, 0);
	atomic_set_bit(bits, 31);
	atomic_set_bit(bits, 32);
	atomic_set_bit(bits, 99);
	zassert_equal(atomic_get(&bits[0]), (atomic_val_t)0x80000001UL);
	zassert_equal(atomic_get(&bits[1]), 1);
	zassert_equal(atomic_get(&bits[2]), 0);
	zassert_equal(atomic_get(&bits[3]), (atomic_val_t)BIT(3));
	zassert_true(atomic_test_bit(bits, 99));
	zassert_false(atomic_test_bit(bits, 98));

	zassert_true(atomic_test_and_clear_bit(bits, 31));
	zassert_false(atomic_test_and_clear_bit(bits, 31));
	zassert_false(atomic_test_and_set_bit(bits, 64));
	zassert_true(atomic_test_and_set_bit(bits, 64));
	zassert_equal(atomic_get(&bits[2]), 1);

	atomic_set_bit_to(bits, 0, false);
	atomic_set_bit_to(bits, 33, true);
	zassert_equal(atomic_get(&bits[0]), 0);
	zassert_equal(atomic_get(&bits[1]), 3);
	atomic_clear_bit(bits, 32);
	zassert_equal(atomic_get(&bits[1]), 2);
}

/* In the test partition: user threads may write them. */
ZTEST_DMEM atomic_t user_counter;
ZTEST_DMEM atomic_t shared_counter;
ZTEST_DMEM volatile long plain_counter;
ZTEST_DMEM ATOMIC_DEFINE(user_bits, 40);

ZTEST_USER(headers, test_atomics_work_in_user_mode)
{
	zassert_true(k_is_user_context());
	atomic_set(&user_counter, 41);
	zassert_equal(atomic_inc(&user_counter), 41);
	zassert_true(atomic_cas(&user_counter, 42, 100));
	zassert_equal(atomic_get(&user_counter), 100);
	zassert_false(atomic_test_and_set_bit(user_bits, 39));
	zassert_true(atomic_test_bit(user_bits, 39));
	zassert_equal(atomic_get(&user_bits[1]), (atomic_val_t)BIT(7));
}

#define INCREMENTS 40000

static struct k_thread workers[2];
static K_THREAD_STACK_ARRAY_DEFINE(worker_stacks, 2, 512);

/* The plain increment reads, loops a little, then writes: a preemption in between
 * loses the other thread's increments, which the atomic one never does.  (The loop
 * matters: the emulator preempts between basic blocks, so a read and write in one
 * block would never be split.) */
static void increment(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (int i = 0; i < INCREMENTS; i++) {
		atomic_inc(&shared_counter);
		long seen = plain_counter;

		for (volatile int pause = 0; pause < 2; pause++) {
		}
		plain_counter = seen + 1;
	}
}

ZTEST(headers, test_atomic_increments_survive_preemption)
{
	atomic_clear(&shared_counter);
	plain_counter = 0;
	/* Equal priorities, sliced every tick: each thread is preempted mid-loop. */
	k_sched_time_slice_set(1, K_LOWEST_APPLICATION_THREAD_PRIO);
	for (int i = 0; i < 2; i++) {
		k_thread_create(&workers[i], worker_stacks[i], K_THREAD_STACK_SIZEOF(worker_stacks[i]),
				increment, NULL, NULL, NULL, K_LOWEST_APPLICATION_THREAD_PRIO,
				K_USER, K_NO_WAIT);
	}
	for (int i = 0; i < 2; i++) {
		zassert_equal(k_thread_join(&workers[i], K_FOREVER), 0);
	}
	k_sched_time_slice_set(0, 0);
	zassert_equal(atomic_get(&shared_counter), 2 * INCREMENTS);
	/* The threads did interleave: the plain counter lost updates. */
	zassert_true(plain_counter < 2 * INCREMENTS, "plain counter %ld", plain_counter);
	TC_PRINT("plain increments kept: %ld of %d\n", plain_counter, 2 * INCREMENTS);
}
