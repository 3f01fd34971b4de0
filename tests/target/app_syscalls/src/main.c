/* Application-defined system calls from user and supervisor threads: results, argument
 * marshalling, the verification checks, and the refusals. */
#include <string.h>
#include <zephyr/ztest.h>
#include "counter_calls.h"

K_SEM_DEFINE(granted_sem, 0, 1);
K_SEM_DEFINE(private_sem, 0, 1);
K_APP_BMEM(ztest_mem_partition) static char user_buffer[16];

ZTEST_USER(app_syscalls, test_a_user_call_runs_the_kernel_side)
{
	int before = counter_add(0);

	zassert_equal(counter_add(5), before + 5);
	zassert_equal(counter_add(2), before + 7);
	zassert_true(handler_context(), "the handler runs privileged, in thread context");
	zassert_false(k_is_user_context() == false, "the caller is a user thread");
}

ZTEST(app_syscalls, test_a_supervisor_call_goes_straight_to_the_implementation)
{
	int before = counter_add(0);

	zassert_equal(counter_add(3), before + 3);
	zassert_true(handler_context());
}

ZTEST_USER(app_syscalls, test_arguments_of_every_width_arrive)
{
	uint64_t expected = 1 + 0x100000000ULL * 3 + 200 * 5 + 4 * 7 + 0x500000000ULL * 11 +
			    60000 * 13 + (uint64_t)0xFFFFFFFF * 17;

	zassert_equal(mix(1, 0x100000000ULL, 200, 4, 0x500000000ULL, 60000, 0xFFFFFFFF),
		      expected);
}

ZTEST_USER(app_syscalls, test_strings_are_copied_in_and_out)
{
	zassert_equal(name_store("levante"), 7);
	memset(user_buffer, 'x', sizeof(user_buffer));
	zassert_ok(name_fetch(user_buffer, sizeof(user_buffer)));
	zassert_str_equal(user_buffer, "levante");
	/* No NUL within the kernel's 16 bytes: EINVAL (positive, as Zephyr's copy says). */
	zassert_equal(name_store("a name far too long to store"), EINVAL);
}

ZTEST_USER(app_syscalls, test_a_user_pointer_to_kernel_memory_is_refused)
{
	/* Reading kernel memory through the call: EFAULT, not a copy. */
	zassert_equal(name_store((const char *)&granted_sem), EFAULT);
}

ZTEST_USER(app_syscalls, test_a_granted_object_passes_the_check)
{
	zassert_ok(sem_poke(&granted_sem));
	zassert_ok(k_sem_take(&granted_sem, K_NO_WAIT));
}

static void poke_private(void)
{
	(void)sem_poke(&private_sem); /* no permission: the verification oopses */
	ztest_test_fail();
}

ZTEST_USER(app_syscalls, test_an_object_without_permission_oopses)
{
	ztest_set_fault_valid(true);
	poke_private();
}

static void add_too_much(void)
{
	(void)counter_add(5000);
	ztest_test_fail();
}

ZTEST_USER(app_syscalls, test_a_failed_verify_oopses)
{
	ztest_set_fault_valid(true);
	add_too_much();
}

static void fetch_into_kernel(void)
{
	(void)name_fetch((char *)&private_sem, 8);
	ztest_test_fail();
}

ZTEST_USER(app_syscalls, test_a_buffer_outside_the_thread_oopses)
{
	ztest_set_fault_valid(true);
	fetch_into_kernel();
}

static void call_unhandled(void)
{
	never_handled();
	ztest_test_fail();
}

ZTEST_USER(app_syscalls, test_a_call_without_handler_oopses)
{
	ztest_set_fault_valid(true);
	call_unhandled();
}

static void *setup(void)
{
	k_object_access_grant(&granted_sem, k_current_get());
	return NULL;
}

ZTEST_SUITE(app_syscalls, NULL, setup, NULL, NULL, NULL);
