/* Dynamic kernel objects from user mode (CONFIG_DYNAMIC_OBJECTS; Zephyr's obj_validation
 * and kobject cases): k_object_alloc gives the caller a permission on a fresh,
 * uninitialised object; other threads need a grant; the object is freed when its last
 * permission goes (a release, or the exit of the last thread holding it), and the
 * kernel's first-fit pool then hands the same address out again.  Invalid types give
 * NULL.  An allocated thread and stack make a user thread.
 */
#include "user_tests.h"

K_APP_BMEM(test_part) static void *volatile saved[2];

static int alloc_sem(void)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);

	CHECK(sem != NULL);
	CHECK(k_sem_init(sem, 0, 1) == 0);
	k_sem_give(sem);
	CHECK(k_sem_count_get(sem) == 1);
	CHECK(k_sem_take(sem, K_NO_WAIT) == 0);
	CHECK(k_sem_take(sem, K_NO_WAIT) == -EBUSY);
	return 0;
}

static int alloc_other_types(void)
{
	struct k_mutex *mutex = k_object_alloc(K_OBJ_MUTEX);
	struct k_msgq *msgq = k_object_alloc(K_OBJ_MSGQ);
	struct k_event *event = k_object_alloc(K_OBJ_EVENT);

	CHECK(mutex != NULL && msgq != NULL && event != NULL);
	CHECK(k_mutex_init(mutex) == 0);
	CHECK(k_mutex_lock(mutex, K_NO_WAIT) == 0);
	CHECK(k_mutex_unlock(mutex) == 0);
	k_event_init(event);
	CHECK(k_event_post(event, 0x5) == 0);
	CHECK(k_event_wait(event, 0x4, false, K_NO_WAIT) == 0x4);
	/* msgq is left uninitialised: freed all the same when the thread exits. */
	return 0;
}

static int alloc_uninit_give(void)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);

	CHECK(sem != NULL);
	expect_fault();
	k_sem_give(sem);
	return __LINE__;
}

static int child_gives_saved(void)
{
	k_sem_give(saved[0]);
	return 0;
}

static int child_fails_on_saved(void)
{
	expect_fault();
	k_sem_give(saved[0]);
	return __LINE__;
}

/* A sibling thread may not use the object until it is granted. */
static int alloc_other_thread(void)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);

	CHECK(sem != NULL);
	CHECK(k_sem_init(sem, 0, 5) == 0);
	saved[0] = sem;
	CHECK(run_child(child_fails_on_saved, K_USER, "alloc_other_thread.c", NULL) == 0);
	CHECK(!child_done);
	CHECK(run_child(child_gives_saved, K_USER, "alloc_other_thread.d", sem) == 0);
	CHECK(child_done && child_result == 0);
	CHECK(k_sem_count_get(sem) == 1);
	return 0;
}

/* The last permission goes: the object is freed, and the next allocation of that size
 * gets the same address back, a fresh uninitialised object. */
static int alloc_release_frees(void)
{
	struct k_sem *first = k_object_alloc(K_OBJ_SEM);
	struct k_sem *second;

	CHECK(first != NULL);
	CHECK(k_sem_init(first, 1, 1) == 0);
	k_object_release(first);
	second = k_object_alloc(K_OBJ_SEM);
	CHECK(second == first);
	saved[0] = second;
	expect_fault();
	k_sem_give(second); /* uninitialised: -EINVAL */
	return __LINE__;
}

static int alloc_released_use(void)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);

	CHECK(sem != NULL);
	CHECK(k_sem_init(sem, 0, 1) == 0);
	k_object_release(sem);
	expect_fault();
	k_sem_give(sem); /* no longer a kernel object: -EBADF */
	return __LINE__;
}

/* Another thread still holds a permission: the release frees nothing. */
static int alloc_shared_release(void)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);

	CHECK(sem != NULL);
	CHECK(k_sem_init(sem, 0, 1) == 0);
	saved[0] = sem;
	CHECK(k_thread_create(&child_thread, child_stack, K_THREAD_STACK_SIZEOF(child_stack),
			      child_entry, (void *)child_gives_saved, NULL, NULL, CASE_PRIO, K_USER,
			      K_FOREVER) == &child_thread);
	CHECK(k_thread_name_set(&child_thread, "alloc_shared_release.c") == 0);
	k_object_access_grant(sem, &child_thread);
	k_object_release(sem);
	child_done = 0;
	child_result = -1;
	k_thread_start(&child_thread);
	CHECK(k_thread_join(&child_thread, K_FOREVER) == 0);
	CHECK(child_done && child_result == 0);
	return 0;
}

/* The case thread exits holding the only permission on its semaphore. */
static int alloc_and_exit(void)
{
	saved[0] = k_object_alloc(K_OBJ_SEM);
	CHECK(saved[0] != NULL);
	return 0;
}

static int freed_at_exit(void)
{
	void *again = k_object_alloc(K_OBJ_SEM);

	CHECK(again != NULL);
	CHECK(again == saved[0]);
	k_object_free(again); /* main's own allocation: supervisor code may free it */
	CHECK(k_object_alloc(K_OBJ_SEM) == again);
	k_object_free(again);
	return 0;
}

static int alloc_invalid_types(void)
{
	CHECK(k_object_alloc(K_OBJ_ANY) == NULL);
	CHECK(k_object_alloc(K_OBJ_LAST) == NULL);
	CHECK(k_object_alloc((enum k_objects)99) == NULL);
	CHECK(k_object_alloc((enum k_objects)-1) == NULL);
	CHECK(k_object_alloc_size(K_OBJ_ANY, 64) == NULL);
	/* A stack needs a size. */
	CHECK(k_object_alloc(K_OBJ_THREAD_STACK_ELEMENT) == NULL);
	return 0;
}

static int child_on_dynamic_stack(void)
{
	volatile char on_stack[64];

	on_stack[0] = 1;
	CHECK(k_is_user_context());
	CHECK(k_thread_priority_get(k_current_get()) == CASE_PRIO);
	CHECK(on_stack[0] == 1);
	return 0;
}

static int alloc_thread_and_stack(void)
{
	struct k_thread *thread = k_object_alloc(K_OBJ_THREAD);
	k_thread_stack_t *stack = k_object_alloc_size(K_OBJ_THREAD_STACK_ELEMENT, 1024);

	CHECK(thread != NULL && stack != NULL);
	CHECK(k_thread_create(thread, stack, 1024, child_entry, (void *)child_on_dynamic_stack,
			      NULL, NULL, CASE_PRIO, K_USER, K_FOREVER) == thread);
	CHECK(k_thread_name_set(thread, "alloc_thread_and_stack.c") == 0);
	child_done = 0;
	child_result = -1;
	k_thread_start(thread);
	CHECK(k_thread_join(thread, K_FOREVER) == 0);
	CHECK(child_done && child_result == 0);
	return 0;
}

static int alloc_stack_too_small(void)
{
	struct k_thread *thread = k_object_alloc(K_OBJ_THREAD);
	k_thread_stack_t *stack = k_object_alloc_size(K_OBJ_THREAD_STACK_ELEMENT, 1024);

	CHECK(thread != NULL && stack != NULL);
	expect_fault();
	k_thread_create(thread, stack, 4096, child_entry, (void *)child_on_dynamic_stack, NULL,
			NULL, CASE_PRIO, K_USER, K_FOREVER);
	return __LINE__;
}

static const struct user_case cases[] = {
	{ "alloc_sem", alloc_sem, K_USER, RETURNS },
	{ "alloc_other_types", alloc_other_types, K_USER, RETURNS },
	{ "alloc_uninit_give", alloc_uninit_give, K_USER, OOPS },
	{ "alloc_other_thread", alloc_other_thread, K_USER, OOPS, &child_thread,
	  .setup = grant_child_objects },
	{ "alloc_release_frees", alloc_release_frees, K_USER, OOPS },
	{ "alloc_released_use", alloc_released_use, K_USER, OOPS },
	{ "alloc_shared_release", alloc_shared_release, K_USER, RETURNS,
	  .setup = grant_child_objects },
	{ "alloc_freed_at_exit", alloc_and_exit, K_USER, RETURNS, .check = freed_at_exit },
	{ "alloc_invalid_types", alloc_invalid_types, K_USER, RETURNS },
	{ "alloc_thread_and_stack", alloc_thread_and_stack, K_USER, RETURNS },
	{ "alloc_stack_too_small", alloc_stack_too_small, K_USER, OOPS },
};

const struct case_group dynamic_group = { cases, ARRAY_SIZE(cases) };
