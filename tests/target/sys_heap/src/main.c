/* sys_heap, the library heap in the caller's own memory: first fit, alignment, merging
 * on free, exhaustion, realloc, validation and statistics, from supervisor and user. */
#include <string.h>
#include <zephyr/ztest.h>
#include <zephyr/sys/sys_heap.h>

K_APP_BMEM(ztest_mem_partition) static char user_memory[512];
K_APP_BMEM(ztest_mem_partition) static struct sys_heap user_heap;
static char memory[1024];
static struct sys_heap heap;

ZTEST(sys_heap, test_blocks_are_separate_and_merge_back)
{
	struct sys_memory_stats stats;

	sys_heap_init(&heap, memory, sizeof(memory));
	zassert_ok(sys_heap_runtime_stats_get(&heap, &stats));
	size_t all = stats.free_bytes;
	char *a = sys_heap_alloc(&heap, 100);
	char *b = sys_heap_alloc(&heap, 100);
	char *c = sys_heap_alloc(&heap, 100);

	zassert_not_null(a);
	zassert_true(b >= a + 100 && c >= b + 100, "blocks overlap");
	memset(a, 0xAA, 100);
	memset(b, 0xBB, 100);
	memset(c, 0xCC, 100);
	zassert_true(sys_heap_validate(&heap));
	sys_heap_free(&heap, b);
	sys_heap_free(&heap, a);
	zassert_true(sys_heap_validate(&heap));
	/* a and b merged: a block larger than either fits where they were. */
	char *big = sys_heap_alloc(&heap, 200);

	zassert_equal_ptr(big, a);
	zassert_equal(c[0], (char)0xCC);
	sys_heap_free(&heap, big);
	sys_heap_free(&heap, c);
	zassert_ok(sys_heap_runtime_stats_get(&heap, &stats));
	zassert_equal(stats.free_bytes, all);
	zassert_equal(stats.allocated_bytes, 0);
	zassert_true(stats.max_allocated_bytes >= 300);
	zassert_true(sys_heap_validate(&heap));
}

ZTEST(sys_heap, test_alignment_exhaustion_and_realloc)
{
	sys_heap_init(&heap, memory, sizeof(memory));
	void *aligned = sys_heap_aligned_alloc(&heap, 256, 40);

	zassert_not_null(aligned);
	zassert_equal((uintptr_t)aligned % 256, 0);
	zassert_is_null(sys_heap_aligned_alloc(&heap, 24, 8), "not a power of two");
	zassert_is_null(sys_heap_alloc(&heap, 4096), "larger than the heap");
	zassert_is_null(sys_heap_alloc(&heap, 0));
	char *grow = sys_heap_alloc(&heap, 16);

	strcpy(grow, "levante");
	grow = sys_heap_realloc(&heap, grow, 300);
	zassert_not_null(grow);
	zassert_str_equal(grow, "levante");
	zassert_true(sys_heap_usable_size(&heap, grow) >= 300);
	while (sys_heap_alloc(&heap, 64) != NULL) {
	}
	zassert_true(sys_heap_validate(&heap));
	sys_heap_free(&heap, (void *)0x1234); /* not a block: nothing happens */
	zassert_true(sys_heap_validate(&heap));
}

ZTEST_USER(sys_heap, test_a_user_thread_uses_its_own_memory)
{
	sys_heap_init(&user_heap, user_memory, sizeof(user_memory));
	int *numbers = sys_heap_alloc(&user_heap, 10 * sizeof(int));

	zassert_not_null(numbers);
	for (int i = 0; i < 10; i++) {
		numbers[i] = i * i;
	}
	zassert_equal(numbers[9], 81);
	sys_heap_free(&user_heap, numbers);
	zassert_true(sys_heap_validate(&user_heap));
}

ZTEST_SUITE(sys_heap, NULL, NULL, NULL, NULL, NULL);
