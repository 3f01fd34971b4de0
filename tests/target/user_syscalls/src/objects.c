/* Kernel-object validation from user mode (Zephyr's obj_validation and kobject cases):
 * a user thread may use an object only if it is a known kernel object of the right type,
 * it holds a permission on it and, for anything but an init, it is initialised.  Objects
 * in memory the thread can write (an application partition, its own stack) are never
 * kernel objects.  Grants from user mode need permission on both the object and the
 * grantee.
 */
#include "user_tests.h"

K_SEM_DEFINE(public_sem, 0, 1);
K_SEM_DEFINE(to_main, 0, 1);
K_SEM_DEFINE(from_main, 0, 1);
K_MUTEX_DEFINE(test_mutex);

/* A kernel object the image declares but nothing initialises. */
struct k_sem plain_sem;

/* A semaphore in the test partition: user threads can write its bytes, so it is not a
 * kernel object (main may still initialise it, as supervisor code may anything). */
K_APP_BMEM(test_part) struct k_sem user_mem_sem;

static int not_an_object;

static void grant_test_sem(void)
{
	k_object_access_grant(&test_sem, &case_thread);
}

static void grant_user_mem_sem(void)
{
	k_object_access_grant(&user_mem_sem, &case_thread);
}

static int sem_in_user_memory_init(void)
{
	expect_fault();
	k_sem_init(&user_mem_sem, 0, 1);
	return __LINE__;
}

static void init_and_grant_user_mem_sem(void)
{
	k_sem_init(&user_mem_sem, 0, 1);
	grant_user_mem_sem();
}

static int sem_in_user_memory_give(void)
{
	expect_fault();
	k_sem_give(&user_mem_sem);
	return __LINE__;
}

static int sem_on_user_stack(void)
{
	struct k_sem on_stack;

	expect_fault();
	k_sem_init(&on_stack, 0, 1);
	return __LINE__;
}

static int give_test_sem(void)
{
	expect_fault();
	k_sem_give(&test_sem);
	return __LINE__;
}

static int use_test_sem(void)
{
	k_sem_give(&test_sem);
	CHECK(k_sem_count_get(&test_sem) == 1);
	CHECK(k_sem_take(&test_sem, K_NO_WAIT) == 0);
	CHECK(k_sem_take(&test_sem, K_NO_WAIT) == -EBUSY);
	return 0;
}

static void grant_sem_and_mutex(void)
{
	k_thread_access_grant(&case_thread, &test_sem, &test_mutex);
}

static int use_sem_and_mutex(void)
{
	CHECK(use_test_sem() == 0);
	CHECK(k_mutex_lock(&test_mutex, K_NO_WAIT) == 0);
	CHECK(k_mutex_unlock(&test_mutex) == 0);
	return 0;
}

static void grant_for_revoke(void)
{
	k_thread_access_grant(&case_thread, &test_sem, &to_main, &from_main);
}

/* Uses test_sem, lets main revoke it, then uses it again. */
static int sem_revoked(void)
{
	CHECK(use_test_sem() == 0);
	k_sem_give(&to_main);
	CHECK(k_sem_take(&from_main, K_FOREVER) == 0);
	expect_fault();
	k_sem_give(&test_sem);
	return __LINE__;
}

static int revoke_while_running(void)
{
	CHECK(k_sem_take(&to_main, K_MSEC(100)) == 0);
	k_object_access_revoke(&test_sem, &case_thread);
	k_sem_give(&from_main);
	return 0;
}

static int sem_released(void)
{
	CHECK(use_test_sem() == 0);
	k_object_release(&test_sem);
	expect_fault();
	k_sem_give(&test_sem);
	return __LINE__;
}

/* Releasing a permission is the caller's business: the object is still fine. */
static int test_sem_untouched(void)
{
	CHECK(k_sem_count_get(&test_sem) == 0);
	k_sem_give(&test_sem);
	CHECK(k_sem_take(&test_sem, K_NO_WAIT) == 0);
	return 0;
}

static int release_null(void)
{
	expect_fault();
	k_object_release(NULL);
	return __LINE__;
}

static void grant_mutex(void)
{
	k_object_access_grant(&test_mutex, &case_thread);
}

static int mutex_as_sem(void)
{
	expect_fault();
	k_sem_give((struct k_sem *)&test_mutex);
	return __LINE__;
}

/* The thread holds a permission on itself, but a thread is no semaphore. */
static int thread_as_sem(void)
{
	CHECK(k_thread_priority_get(k_current_get()) == CASE_PRIO);
	expect_fault();
	k_sem_give((struct k_sem *)k_current_get());
	return __LINE__;
}

static int sem_give_global(void)
{
	expect_fault();
	k_sem_give((struct k_sem *)&not_an_object);
	return __LINE__;
}

static int sem_give_null(void)
{
	expect_fault();
	k_sem_give(NULL);
	return __LINE__;
}

static void grant_plain_sem(void)
{
	k_object_access_grant(&plain_sem, &case_thread);
}

/* Runs before sem_uninit_init: plain_sem is still uninitialised. */
static int sem_uninit_give(void)
{
	expect_fault();
	k_sem_give(&plain_sem);
	return __LINE__;
}

static int sem_uninit_take(void)
{
	expect_fault();
	(void)k_sem_take(&plain_sem, K_NO_WAIT);
	return __LINE__;
}

static int sem_uninit_init(void)
{
	CHECK(k_sem_init(&plain_sem, 1, 2) == 0);
	CHECK(k_sem_count_get(&plain_sem) == 1);
	CHECK(k_sem_take(&plain_sem, K_NO_WAIT) == 0);
	CHECK(k_sem_take(&plain_sem, K_NO_WAIT) == -EBUSY);
	k_sem_give(&plain_sem);
	k_sem_give(&plain_sem);
	k_sem_give(&plain_sem);
	CHECK(k_sem_count_get(&plain_sem) == 2); /* the limit */
	return 0;
}

/* The object a user thread initialised is initialised for everyone. */
static int plain_sem_initialised(void)
{
	CHECK(k_sem_count_get(&plain_sem) == 2);
	return 0;
}

static int grant_null_object(void)
{
	expect_fault();
	k_object_access_grant(NULL, &child_thread);
	return __LINE__;
}

/* The child's objects are granted, test_sem is not. */
static int grant_unpermitted_object(void)
{
	expect_fault();
	k_object_access_grant(&test_sem, &child_thread);
	return __LINE__;
}

/* test_sem is granted, the main thread is not. */
static int grant_to_unpermitted_thread(void)
{
	expect_fault();
	k_object_access_grant(&test_sem, main_tid);
	return __LINE__;
}

static void grant_test_sem_and_child(void)
{
	grant_test_sem();
	grant_child_objects();
}

static int child_uses_test_sem(void)
{
	CHECK(k_is_user_context());
	return use_test_sem();
}

/* A user thread grants test_sem to the child it created (after creating it: a thread
 * object takes grants once it is a thread). */
static int grant_to_child(void)
{
	CHECK(run_child(child_uses_test_sem, K_USER, "grant_to_child.c", &test_sem) == 0);
	CHECK(child_done && child_result == 0);
	return 0;
}

static void make_public_sem_public(void)
{
	k_object_access_all_grant(&public_sem);
	grant_child_objects();
}

static int child_uses_public_sem(void)
{
	CHECK(k_sem_take(&public_sem, K_NO_WAIT) == 0);
	k_sem_give(&public_sem);
	return 0;
}

/* Neither the case thread nor its child (no K_INHERIT_PERMS) was granted public_sem. */
static int all_grant(void)
{
	k_sem_give(&public_sem);
	CHECK(k_sem_count_get(&public_sem) == 1);
	CHECK(run_child(child_uses_public_sem, K_USER, "all_grant.c", NULL) == 0);
	CHECK(child_done && child_result == 0);
	CHECK(k_sem_take(&public_sem, K_NO_WAIT) == 0);
	return 0;
}

static const struct user_case cases[] = {
	{ "sem_in_user_memory_init", sem_in_user_memory_init, K_USER, OOPS,
	  .setup = grant_user_mem_sem },
	{ "sem_in_user_memory_give", sem_in_user_memory_give, K_USER, OOPS,
	  .setup = init_and_grant_user_mem_sem },
	{ "sem_on_user_stack", sem_on_user_stack, K_USER, OOPS },
	{ "sem_no_permission", give_test_sem, K_USER, OOPS },
	{ "sem_granted", use_test_sem, K_USER, RETURNS, .setup = grant_test_sem },
	{ "thread_access_grant", use_sem_and_mutex, K_USER, RETURNS,
	  .setup = grant_sem_and_mutex },
	{ "sem_revoked", sem_revoked, K_USER, OOPS, .setup = grant_for_revoke,
	  .during = revoke_while_running, .check = test_sem_untouched },
	{ "sem_released", sem_released, K_USER, OOPS, .setup = grant_test_sem,
	  .check = test_sem_untouched },
	{ "release_null", release_null, K_USER, OOPS },
	{ "mutex_as_sem", mutex_as_sem, K_USER, OOPS, .setup = grant_mutex },
	{ "thread_as_sem", thread_as_sem, K_USER, OOPS },
	{ "sem_give_global", sem_give_global, K_USER, OOPS },
	{ "sem_give_null", sem_give_null, K_USER, OOPS },
	{ "sem_uninit_give", sem_uninit_give, K_USER, OOPS, .setup = grant_plain_sem },
	{ "sem_uninit_take", sem_uninit_take, K_USER, OOPS, .setup = grant_plain_sem },
	{ "sem_uninit_init", sem_uninit_init, K_USER, RETURNS, .setup = grant_plain_sem,
	  .check = plain_sem_initialised },
	{ "grant_null_object", grant_null_object, K_USER, OOPS, .setup = grant_child_objects },
	{ "grant_unpermitted_object", grant_unpermitted_object, K_USER, OOPS,
	  .setup = grant_child_objects },
	{ "grant_to_unpermitted_thread", grant_to_unpermitted_thread, K_USER, OOPS,
	  .setup = grant_test_sem },
	{ "grant_to_child", grant_to_child, K_USER, RETURNS, .setup = grant_test_sem_and_child },
	{ "all_grant", all_grant, K_USER, RETURNS, .setup = make_public_sem_public },
};

const struct case_group object_group = { cases, ARRAY_SIZE(cases) };
