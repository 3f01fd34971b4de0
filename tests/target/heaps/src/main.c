/* k_heap: what fits is handed out (zeroed), what does not waits or gets NULL. */
#include <zephyr/ztest.h>
#include <string.h>

K_HEAP_DEFINE(heap, 256);

static struct k_thread helper;
static K_THREAD_STACK_DEFINE(helper_stack, 1024);
static void *held;

ZTEST(heaps, test_alloc_free_and_exhaustion)
{
	void *a = k_heap_alloc(&heap, 100, K_NO_WAIT);
	void *b = k_heap_alloc(&heap, 100, K_NO_WAIT);

	zassert_not_null(a);
	zassert_not_null(b);
	zassert_is_null(k_heap_alloc(&heap, 100, K_NO_WAIT), "only 256 bytes");
	memset(a, 0xAA, 100);
	k_heap_free(&heap, a);
	void *again = k_heap_alloc(&heap, 100, K_NO_WAIT);

	zassert_equal_ptr(again, a, "the freed block is reused");
	zassert_equal(((unsigned char *)again)[50], 0, "handed out zeroed");
	k_heap_free(&heap, again);
	k_heap_free(&heap, b);
	k_heap_free(&heap, NULL); /* allowed, does nothing */
}

ZTEST(heaps, test_zero_bytes_and_bad_alignment_give_null)
{
	zassert_is_null(k_heap_alloc(&heap, 0, K_NO_WAIT));
	zassert_is_null(k_heap_aligned_alloc(&heap, 24, 16, K_NO_WAIT));
	void *aligned = k_heap_aligned_alloc(&heap, 64, 16, K_NO_WAIT);

	zassert_not_null(aligned);
	zassert_equal((uintptr_t)aligned % 64, 0);
	k_heap_free(&heap, aligned);
}

ZTEST(heaps, test_calloc_zeroes_and_refuses_overflow)
{
	uint32_t *words = k_heap_calloc(&heap, 8, sizeof(uint32_t), K_NO_WAIT);

	zassert_not_null(words);
	for (int i = 0; i < 8; i++) {
		zassert_equal(words[i], 0);
	}
	k_heap_free(&heap, words);
	zassert_is_null(k_heap_calloc(&heap, 0x10000, 0x10000, K_NO_WAIT));
}

static void free_later(void *p1, void *p2, void *p3)
{
	k_msleep(10);
	k_heap_free(&heap, held);
}

ZTEST(heaps, test_a_waiting_allocation_gets_what_is_freed)
{
	held = k_heap_alloc(&heap, 200, K_NO_WAIT);
	zassert_not_null(held);
	zassert_is_null(k_heap_alloc(&heap, 200, K_MSEC(5)), "times out with NULL");
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), free_later,
			NULL, NULL, NULL, 0, 0, K_NO_WAIT);
	void *got = k_heap_alloc(&heap, 200, K_FOREVER);

	zassert_not_null(got);
	k_heap_free(&heap, got);
	k_thread_join(&helper, K_FOREVER);
}

ZTEST_USER(heaps, test_a_user_thread_may_not_allocate)
{
	ztest_set_fault_valid(true);
	(void)k_heap_alloc(&heap, 8, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_SUITE(heaps, NULL, NULL, NULL, NULL, NULL);
