/* The C library the build chose, from supervisor and user threads: printf reaches the
 * console, errno is set by the library, malloc has the arena the configuration gives
 * (none with the minimal C library's default), and a user thread cannot grow it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/ztest.h>

static void check_errno_and_stdio(void)
{
	char *end;

	errno = 0;
	(void)strtol("99999999999999999999", &end, 10);
	zassert_equal(errno, ERANGE, "the library sets errno");
	printf("printf from %s: %d\n", k_is_user_context() ? "user" : "supervisor", 42);
}

ZTEST(libc_choice, test_supervisor_errno_and_printf)
{
	check_errno_and_stdio();
}

ZTEST_USER(libc_choice, test_user_errno_and_printf)
{
	check_errno_and_stdio();
}

ZTEST(libc_choice, test_malloc_has_the_configured_arena)
{
	void *block = malloc(64);

#if defined(CONFIG_MINIMAL_LIBC) && CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE == 0
	zassert_is_null(block, "the minimal C library has no arena by default");
#else
	zassert_not_null(block);
	memset(block, 0x5A, 64);
	free(block);
#endif
#if defined(CONFIG_PICOLIBC) && CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE > 0
	zassert_is_null(malloc(2 * CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE), "beyond the arena");
#endif
}

ZTEST_USER(libc_choice, test_only_supervisors_grow_the_arena)
{
	void *block = malloc(900);

#ifdef CONFIG_USERSPACE
	/* Nothing this large was freed: a user thread cannot grow the arena. */
	zassert_is_null(block);
#elif defined(CONFIG_PICOLIBC) && CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE < 0
	/* Without user mode the arena is the RAM after everything else. */
	zassert_not_null(block);
	free(block);
#else
	ARG_UNUSED(block);
#endif
}

ZTEST_SUITE(libc_choice, NULL, NULL, NULL, NULL, NULL);
