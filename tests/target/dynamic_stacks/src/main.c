/* k_thread_stack_alloc and k_thread_stack_free: the pool first, then the caller's
 * resource pool; user stacks as kernel objects; busy, foreign and unknown stacks. */
#include <zephyr/ztest.h>

#define SIZE CONFIG_DYNAMIC_THREAD_STACK_SIZE

K_HEAP_DEFINE(stack_heap, 16 * 1024);
K_SEM_DEFINE(hold, 0, 1);
static K_THREAD_STACK_DEFINE(static_stack, SIZE);
static struct k_thread thread;
static struct k_thread hostile;
static ZTEST_BMEM volatile bool ran;
static ZTEST_BMEM k_thread_stack_t *foreign_stack;

static void run_once(void *p1, void *p2, void *p3)
{
	ran = true;
}

static void wait_for_hold(void *p1, void *p2, void *p3)
{
	k_sem_take(&hold, K_FOREVER);
}

ZTEST(dynamic_stacks, test_pool_then_resource_pool)
{
	k_thread_stack_t *first = k_thread_stack_alloc(SIZE, 0);
	k_thread_stack_t *second = k_thread_stack_alloc(SIZE, 0);

	zassert_not_null(first, "the pool's one stack");
	zassert_not_null(second, "the resource pool, once the pool is empty");
	zassert_not_equal(first, second);
	/* Bigger than the pool's stacks: only the resource pool can give it. */
	k_thread_stack_t *big = k_thread_stack_alloc(2 * SIZE, 0);

	zassert_not_null(big);
	zassert_is_null(k_thread_stack_alloc(0, 0));

	ran = false;
	k_thread_create(&thread, second, SIZE, run_once, NULL, NULL, NULL, K_PRIO_PREEMPT(1), 0,
			K_NO_WAIT);
	k_thread_join(&thread, K_FOREVER);
	zassert_true(ran);
	zassert_ok(k_thread_stack_free(first));
	zassert_equal(k_thread_stack_free(first), -EINVAL, "freed twice");
	zassert_ok(k_thread_stack_free(second));
	zassert_ok(k_thread_stack_free(big));
	zassert_equal(k_thread_stack_free(static_stack), -EINVAL, "not handed out here");
	/* The pool's stack is free again: it comes back first. */
	zassert_equal_ptr(k_thread_stack_alloc(SIZE, 0), first);
	zassert_ok(k_thread_stack_free(first));
}

ZTEST(dynamic_stacks, test_a_stack_in_use_is_busy)
{
	k_thread_stack_t *stack = k_thread_stack_alloc(SIZE, 0);

	zassert_not_null(stack);
	k_thread_create(&thread, stack, SIZE, wait_for_hold, NULL, NULL, NULL, K_PRIO_PREEMPT(1),
			0, K_NO_WAIT);
	k_msleep(1);
	zassert_equal(k_thread_stack_free(stack), -EBUSY);
	k_sem_give(&hold);
	k_thread_join(&thread, K_FOREVER);
	zassert_ok(k_thread_stack_free(stack));
}

ZTEST_USER(dynamic_stacks, test_user_allocates_runs_and_frees)
{
	k_thread_stack_t *stack = k_thread_stack_alloc(SIZE, K_USER);

	zassert_not_null(stack);
	ran = false;
	k_thread_create(&thread, stack, SIZE, run_once, NULL, NULL, NULL, K_PRIO_PREEMPT(1),
			K_USER | K_INHERIT_PERMS, K_NO_WAIT);
	k_thread_join(&thread, K_FOREVER);
	zassert_true(ran);
	zassert_ok(k_thread_stack_free(stack));
}

static void free_foreign(void *p1, void *p2, void *p3)
{
	ztest_set_fault_valid(true);
	(void)k_thread_stack_free(POINTER_TO_INT(p1) ? foreign_stack : NULL);
	ztest_test_fail();
}

static void run_hostile(k_thread_stack_t *stack, int which)
{
	k_thread_create(&hostile, stack, SIZE, free_foreign, INT_TO_POINTER(which), NULL, NULL,
			K_PRIO_PREEMPT(1), K_USER, K_NO_WAIT);
	k_thread_join(&hostile, K_FOREVER);
}

ZTEST(dynamic_stacks, test_user_may_not_free_what_it_was_not_given)
{
	k_thread_stack_t *own = k_thread_stack_alloc(SIZE, K_USER);

	foreign_stack = k_thread_stack_alloc(SIZE, K_USER);
	zassert_not_null(own);
	zassert_not_null(foreign_stack);
	run_hostile(own, 1); /* a stack only this thread holds: the user thread oopses */
	run_hostile(own, 0); /* NULL is no stack object */
	zassert_ok(k_thread_stack_free(own));
	zassert_ok(k_thread_stack_free(foreign_stack));
}

static void *setup(void)
{
	k_thread_heap_assign(k_current_get(), &stack_heap);
	k_thread_access_grant(k_current_get(), &thread);
	return NULL;
}

ZTEST_SUITE(dynamic_stacks, NULL, setup, NULL, NULL, NULL);
