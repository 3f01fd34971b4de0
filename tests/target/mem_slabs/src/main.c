/* Memory slabs: Zephyr's block order and validation, waiting for a block, the counts the
 * kernel mirrors, blocks the kernel never writes into, and what it refuses (a block that
 * is not one of the slab's in use, a bad pointer, a user caller). */
#include <zephyr/ztest.h>

#define BLOCK 20 /* rounded up to 20: already whole words */
#define BLOCKS 4

K_MEM_SLAB_DEFINE(slab, BLOCK, BLOCKS, 8);
K_MEM_SLAB_DEFINE_STATIC(odd_slab, 13, 2, 1); /* 13 -> 16 bytes, word aligned */
static char __aligned(4) runtime_buffer[3 * 8 + 1];
static struct k_mem_slab runtime_slab;
static const void *const flash_word = NULL;

static struct k_thread helper;
static K_THREAD_STACK_DEFINE(helper_stack, 1024);

static void *take(struct k_mem_slab *s)
{
	void *block = NULL;

	zassert_equal(k_mem_slab_alloc(s, &block, K_NO_WAIT), 0);
	return block;
}

ZTEST(mem_slabs, test_blocks_come_in_order_aligned_and_once)
{
	void *blocks[BLOCKS];
	void *none = (void *)1;

	for (int i = 0; i < BLOCKS; i++) {
		blocks[i] = take(&slab);
		zassert_equal_ptr(blocks[i], slab.buffer + i * BLOCK, "block %d", i);
		zassert_equal((uintptr_t)blocks[i] % 4, 0);
		zassert_equal(k_mem_slab_num_used_get(&slab), i + 1);
		zassert_equal(k_mem_slab_num_free_get(&slab), BLOCKS - 1 - i);
	}
	zassert_equal(k_mem_slab_alloc(&slab, &none, K_NO_WAIT), -ENOMEM);
	zassert_is_null(none, "*mem is NULL when none is free");
	/* The last freed is the first handed out again (Zephyr's free list). */
	k_mem_slab_free(&slab, blocks[1]);
	k_mem_slab_free(&slab, blocks[3]);
	zassert_equal_ptr(take(&slab), blocks[3]);
	zassert_equal_ptr(take(&slab), blocks[1]);
	for (int i = 0; i < BLOCKS; i++) {
		k_mem_slab_free(&slab, blocks[i]);
	}
	zassert_equal(k_mem_slab_num_used_get(&slab), 0);
}

ZTEST(mem_slabs, test_the_kernel_never_writes_into_blocks)
{
	char *block = take(&slab);

	memset(block, 0x5a, BLOCK);
	k_mem_slab_free(&slab, block);
	zassert_equal_ptr(take(&slab), block);
	for (int i = 0; i < BLOCK; i++) {
		zassert_equal(block[i], 0x5a, "byte %d", i);
	}
	k_mem_slab_free(&slab, block);
}

ZTEST(mem_slabs, test_define_rounds_the_block_size_up_to_words)
{
	zassert_equal(odd_slab.info.block_size, 16);
	zassert_equal(odd_slab.info.num_blocks, 2);
	zassert_equal((uintptr_t)odd_slab.buffer % 4, 0);
}

ZTEST(mem_slabs, test_init_refuses_what_zephyr_refuses)
{
	zassert_equal(k_mem_slab_init(&runtime_slab, runtime_buffer, 9, 3), -EINVAL);
	zassert_equal(k_mem_slab_init(&runtime_slab, runtime_buffer + 1, 8, 3), -EINVAL);
	zassert_equal(k_mem_slab_init(&runtime_slab, runtime_buffer, 0, 3), -EINVAL);
	zassert_equal(k_mem_slab_init(&runtime_slab, runtime_buffer, 8, 3), 0);
	zassert_equal(k_mem_slab_num_free_get(&runtime_slab), 3);
	zassert_equal(runtime_slab.info.block_size, 8);
}

static ZTEST_BMEM void *helper_block;
static ZTEST_BMEM int helper_result;

static void wait_for_block(void *p1, void *p2, void *p3)
{
	helper_result = k_mem_slab_alloc(&slab, &helper_block, K_FOREVER);
}

ZTEST(mem_slabs, test_a_freed_block_goes_to_the_waiter)
{
	void *blocks[BLOCKS];
	void *untouched = (void *)0x1234;

	for (int i = 0; i < BLOCKS; i++) {
		blocks[i] = take(&slab);
	}
	zassert_equal(k_mem_slab_alloc(&slab, &untouched, K_MSEC(10)), -EAGAIN);
	zassert_equal_ptr(untouched, (void *)0x1234, "*mem is left alone on a timeout");
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack),
			wait_for_block, NULL, NULL, NULL, -1, 0, K_NO_WAIT);
	k_mem_slab_free(&slab, blocks[2]);
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(helper_result, 0);
	zassert_equal_ptr(helper_block, blocks[2]);
	zassert_equal(k_mem_slab_num_used_get(&slab), BLOCKS, "handed over, still in use");
	for (int i = 0; i < BLOCKS; i++) {
		k_mem_slab_free(&slab, blocks[i]);
	}
}

ZTEST(mem_slabs, test_the_high_water_mark_and_statistics)
{
	struct sys_memory_stats stats;
	void *a = take(&slab);
	void *b = take(&slab);

	k_mem_slab_free(&slab, b);
	zassert_equal(k_mem_slab_max_used_get(&slab), 2);
	zassert_equal(k_mem_slab_runtime_stats_get(&slab, &stats), 0);
	zassert_equal(stats.allocated_bytes, BLOCK);
	zassert_equal(stats.free_bytes, (BLOCKS - 1) * BLOCK);
	zassert_equal(stats.max_allocated_bytes, 2 * BLOCK);
	zassert_equal(k_mem_slab_runtime_stats_reset_max(&slab), 0);
	zassert_equal(k_mem_slab_max_used_get(&slab), 1);
	zassert_equal(k_mem_slab_runtime_stats_get(NULL, &stats), -EINVAL);
	zassert_equal(k_mem_slab_runtime_stats_get(&slab, NULL), -EINVAL);
	zassert_equal(k_mem_slab_runtime_stats_reset_max(NULL), -EINVAL);
	k_mem_slab_free(&slab, a);
}

/* ---- refused ------------------------------------------------------------------------- */

ZTEST(mem_slabs, test_a_double_free_oopses)
{
	void *block = take(&slab);

	k_mem_slab_free(&slab, block);
	ztest_set_fault_valid(true);
	k_mem_slab_free(&slab, block);
	ztest_test_fail();
}

ZTEST(mem_slabs, test_freeing_what_is_no_block_oopses)
{
	void *block = take(&slab);

	ztest_set_fault_valid(true);
	k_mem_slab_free(&slab, (char *)block + 4);
	ztest_test_fail();
}

ZTEST(mem_slabs, test_alloc_into_flash_faults)
{
	ztest_set_fault_valid(true);
	k_mem_slab_alloc(&slab, (void **)&flash_word, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_USER(mem_slabs, test_a_user_thread_may_not_allocate)
{
	void *block;

	ztest_set_fault_valid(true);
	k_mem_slab_alloc(&slab, &block, K_NO_WAIT);
	ztest_test_fail();
}

static void reset_slab(void *fixture)
{
	ARG_UNUSED(fixture);
	/* Blocks a refused case left allocated go back with a fresh slab. */
	k_mem_slab_init(&slab, slab.buffer, BLOCK, BLOCKS);
}

ZTEST_SUITE(mem_slabs, NULL, NULL, reset_slab, NULL, NULL);
