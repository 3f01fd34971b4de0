/* Threads and permissions from user mode (Zephyr's kobject cases): a new user thread holds
 * only itself; K_INHERIT_PERMS passes on the creator's permissions except the one on the
 * creator; K_THREAD_ACCESS_GRANT gives a K_THREAD_DEFINE thread its objects at boot;
 * k_thread_create from user mode needs unused thread and stack objects it may use, a
 * stack that fits, K_USER, no K_ESSENTIAL and no higher priority than its own; and
 * k_thread_user_mode_enter drops a supervisor thread to user mode for good.
 */
#include "user_tests.h"

K_THREAD_STACK_DEFINE(spare_stack, STACK_SIZE);
struct k_thread spare_thread;
K_KERNEL_STACK_DEFINE(kernel_stack, STACK_SIZE);

K_SEM_DEFINE(static_sem, 0, 1);

static volatile uint32_t kernel_word = 0x5a5a1234;

K_APP_BMEM(test_part) static volatile uintptr_t entered_args[3];
K_APP_BMEM(test_part) static volatile int entered_user;
K_APP_BMEM(test_part) static volatile int entered_take;
K_APP_BMEM(test_part) static volatile int entered_prio;
K_APP_BMEM(test_part) static volatile int entered_stage;

static int static_thread_body(void)
{
	CHECK(k_is_user_context());
	k_sem_give(&static_sem);
	CHECK(k_sem_take(&static_sem, K_NO_WAIT) == 0);
	return 0;
}

static int static_thread_ungranted_body(void)
{
	expect_fault();
	k_sem_give(&static_sem);
	return __LINE__;
}

/* Started by main when their case runs (delay SYS_FOREVER_MS). */
K_THREAD_DEFINE(static_granted, STACK_SIZE, child_entry, static_thread_body, NULL, NULL,
		CASE_PRIO, K_USER, SYS_FOREVER_MS);
K_THREAD_DEFINE(static_ungranted, STACK_SIZE, child_entry, static_thread_ungranted_body, NULL,
		NULL, CASE_PRIO, K_USER, SYS_FOREVER_MS);
K_THREAD_ACCESS_GRANT(static_granted, &static_sem);

static int holds_itself(void)
{
	char name[32];

	CHECK(k_is_user_context());
	CHECK(k_thread_priority_get(k_current_get()) == CASE_PRIO);
	k_thread_priority_set(k_current_get(), CASE_PRIO + 1); /* lowering is allowed */
	CHECK(k_thread_priority_get(k_current_get()) == CASE_PRIO + 1);
	CHECK(k_thread_name_copy(k_current_get(), name, sizeof(name)) == 0);
	return 0;
}

static int holds_only_itself(void)
{
	expect_fault();
	(void)k_thread_priority_get(main_tid);
	return __LINE__;
}

static int child_uses_test_sem(void)
{
	k_sem_give(&test_sem);
	CHECK(k_sem_take(&test_sem, K_NO_WAIT) == 0);
	return 0;
}

static int child_faults_on_test_sem(void)
{
	expect_fault();
	k_sem_give(&test_sem);
	return __LINE__;
}

static int child_faults_on_parent(void)
{
	CHECK(k_thread_priority_get(k_current_get()) == CASE_PRIO);
	expect_fault();
	(void)k_thread_priority_get(parent_tid);
	return __LINE__;
}

static void grant_test_sem_and_child(void)
{
	k_thread_access_grant(&case_thread, &test_sem, &child_thread, child_stack);
}

static int inherit_perms(void)
{
	CHECK(run_child(child_uses_test_sem, K_USER | K_INHERIT_PERMS, "inherit_perms.c", NULL) ==
	      0);
	CHECK(child_done && child_result == 0);
	return 0;
}

static int inherit_not_on_parent(void)
{
	parent_tid = k_current_get();
	CHECK(run_child(child_faults_on_parent, K_USER | K_INHERIT_PERMS, "inherit_not_on_parent.c",
			NULL) == 0);
	CHECK(!child_done);
	return 0;
}

static int no_inherit(void)
{
	CHECK(run_child(child_faults_on_test_sem, K_USER, "no_inherit.c", NULL) == 0);
	CHECK(!child_done);
	/* The parent still may. */
	return child_uses_test_sem();
}

static int child_in_user_mode(void)
{
	CHECK(k_is_user_context());
	CHECK(k_thread_priority_get(k_current_get()) == CASE_PRIO);
	return 0;
}

static int create_valid(void)
{
	CHECK(run_child(child_in_user_mode, K_USER, "create_valid.c", NULL) == 0);
	CHECK(child_done && child_result == 0);
	/* The objects are free again once the child has exited. */
	CHECK(run_child(child_in_user_mode, K_USER, "create_valid.d", NULL) == 0);
	CHECK(child_done && child_result == 0);
	return 0;
}

static k_tid_t create(struct k_thread *thread, k_thread_stack_t *stack, size_t size, int prio,
		      uint32_t options)
{
	return k_thread_create(thread, stack, size, child_entry, (void *)child_in_user_mode, NULL,
			       NULL, prio, options, K_FOREVER);
}

static int create_kernel_stack(void)
{
	expect_fault();
	create(&child_thread, (k_thread_stack_t *)kernel_stack, K_KERNEL_STACK_SIZEOF(kernel_stack),
	       CASE_PRIO, K_USER);
	return __LINE__;
}

static int create_stack_no_permission(void)
{
	expect_fault();
	create(&child_thread, spare_stack, K_THREAD_STACK_SIZEOF(spare_stack), CASE_PRIO, K_USER);
	return __LINE__;
}

static void grant_child_and_case_stack(void)
{
	k_thread_access_grant(&case_thread, &child_thread, case_stack);
}

/* The case thread's own stack: granted, but in use. */
static int create_stack_in_use(void)
{
	expect_fault();
	create(&child_thread, case_stack, K_THREAD_STACK_SIZEOF(case_stack), CASE_PRIO, K_USER);
	return __LINE__;
}

static int create_stack_too_big(void)
{
	expect_fault();
	create(&child_thread, child_stack, K_THREAD_STACK_SIZEOF(child_stack) + 1, CASE_PRIO,
	       K_USER);
	return __LINE__;
}

static int create_thread_no_permission(void)
{
	expect_fault();
	create(&spare_thread, child_stack, K_THREAD_STACK_SIZEOF(child_stack), CASE_PRIO, K_USER);
	return __LINE__;
}

static int create_running_thread(void)
{
	expect_fault();
	create(k_current_get(), child_stack, K_THREAD_STACK_SIZEOF(child_stack), CASE_PRIO, K_USER);
	return __LINE__;
}

static int create_higher_priority(void)
{
	expect_fault();
	create(&child_thread, child_stack, K_THREAD_STACK_SIZEOF(child_stack), CASE_PRIO - 1,
	       K_USER);
	return __LINE__;
}

static int create_invalid_priority(void)
{
	expect_fault();
	create(&child_thread, child_stack, K_THREAD_STACK_SIZEOF(child_stack),
	       K_LOWEST_APPLICATION_THREAD_PRIO + 1, K_USER);
	return __LINE__;
}

static int create_supervisor(void)
{
	expect_fault();
	create(&child_thread, child_stack, K_THREAD_STACK_SIZEOF(child_stack), CASE_PRIO, 0);
	return __LINE__;
}

static int create_essential(void)
{
	expect_fault();
	create(&child_thread, child_stack, K_THREAD_STACK_SIZEOF(child_stack), CASE_PRIO,
	       K_USER | K_ESSENTIAL);
	return __LINE__;
}

/* Nothing of a refused creation is left behind: the objects still work. */
static int child_objects_still_usable(void)
{
	k_tid_t tid = create(&child_thread, child_stack, K_THREAD_STACK_SIZEOF(child_stack),
			     CASE_PRIO, K_USER);

	CHECK(tid == &child_thread);
	child_done = 0;
	child_result = -1;
	k_thread_start(&child_thread);
	CHECK(k_thread_join(&child_thread, K_MSEC(100)) == 0);
	CHECK(child_done && child_result == 0);
	return 0;
}

static int start_static(k_tid_t thread)
{
	child_done = 0;
	child_result = -1;
	k_thread_start(thread);
	CHECK(k_thread_join(thread, K_MSEC(100)) == 0);
	return 0;
}

static int static_access_grant(void)
{
	CHECK(start_static(static_granted) == 0);
	CHECK(child_done && child_result == 0);
	return 0;
}

static int static_no_grant(void)
{
	CHECK(start_static(static_ungranted) == 0);
	CHECK(!child_done);
	return 0;
}

static void entered_user_mode(void *p1, void *p2, void *p3)
{
	entered_args[0] = (uintptr_t)p1;
	entered_args[1] = (uintptr_t)p2;
	entered_args[2] = (uintptr_t)p3;
	entered_user = k_is_user_context();
	/* Permissions granted to the supervisor thread stay. */
	k_sem_give(&test_sem);
	entered_take = k_sem_take(&test_sem, K_NO_WAIT);
	entered_prio = k_thread_priority_get(k_current_get());
	entered_stage = 2;
	expect_fault();
	entered_stage = (int)kernel_word; /* kernel RAM: an MPU fault now */
}

static int user_mode_enter(void)
{
	CHECK(!k_is_user_context());
	CHECK(kernel_word == 0x5a5a1234);
	entered_stage = 1;
	k_thread_user_mode_enter(entered_user_mode, (void *)0x11, (void *)0x22, (void *)0x33);
	return __LINE__;
}

static int entered_user_mode_checks(void)
{
	CHECK(entered_args[0] == 0x11 && entered_args[1] == 0x22 && entered_args[2] == 0x33);
	CHECK(entered_user == 1);
	CHECK(entered_take == 0);
	CHECK(entered_prio == CASE_PRIO);
	CHECK(entered_stage == 2);
	return 0;
}

static void grant_test_sem(void)
{
	k_object_access_grant(&test_sem, &case_thread);
}

static const struct user_case cases[] = {
	{ "holds_itself", holds_itself, K_USER, RETURNS },
	{ "holds_only_itself", holds_only_itself, K_USER, OOPS },
	{ "inherit_perms", inherit_perms, K_USER, RETURNS, .setup = grant_test_sem_and_child },
	{ "inherit_not_on_parent", inherit_not_on_parent, K_USER, OOPS, &child_thread,
	  .setup = grant_child_objects },
	{ "no_inherit", no_inherit, K_USER, OOPS, &child_thread,
	  .setup = grant_test_sem_and_child },
	{ "create_valid", create_valid, K_USER, RETURNS, .setup = grant_child_objects },
	{ "create_kernel_stack", create_kernel_stack, K_USER, OOPS, .setup = grant_child_objects },
	{ "create_stack_no_permission", create_stack_no_permission, K_USER, OOPS,
	  .setup = grant_child_objects },
	{ "create_stack_in_use", create_stack_in_use, K_USER, OOPS,
	  .setup = grant_child_and_case_stack },
	{ "create_stack_too_big", create_stack_too_big, K_USER, OOPS,
	  .setup = grant_child_objects },
	{ "create_thread_no_permission", create_thread_no_permission, K_USER, OOPS,
	  .setup = grant_child_objects },
	{ "create_running_thread", create_running_thread, K_USER, OOPS,
	  .setup = grant_child_objects },
	{ "create_higher_priority", create_higher_priority, K_USER, OOPS,
	  .setup = grant_child_objects },
	{ "create_invalid_priority", create_invalid_priority, K_USER, OOPS,
	  .setup = grant_child_objects },
	{ "create_supervisor", create_supervisor, K_USER, OOPS, .setup = grant_child_objects },
	{ "create_essential", create_essential, K_USER, OOPS, .setup = grant_child_objects },
	{ "create_after_refusals", child_objects_still_usable, K_USER, RETURNS,
	  .setup = grant_child_objects },
	{ "static_access_grant", NULL, 0, RETURNS, .during = static_access_grant },
	{ "static_no_grant", NULL, 0, OOPS, &_k_thread_obj_static_ungranted,
	  .during = static_no_grant },
	{ "user_mode_enter", user_mode_enter, 0, CPU_EXCEPTION, .setup = grant_test_sem,
	  .check = entered_user_mode_checks },
};

const struct case_group thread_group = { cases, ARRAY_SIZE(cases) };
