/* ztest's expected-fault support (Zephyr's ztest_error_hook.h), with
 * CONFIG_ZTEST_FATAL_HOOK: a test announces the fault it is about to cause, and the
 * fatal error handler ztest provides then lets the faulting thread end without failing
 * the run (any other fatal error halts it). */
#ifndef ZEPHYR_ZTEST_ERROR_HOOK_H
#define ZEPHYR_ZTEST_ERROR_HOOK_H

#include <zephyr/kernel.h>

#ifdef CONFIG_ZTEST_FATAL_HOOK
/* The next fatal error of the calling thread (or of an ISR, when called from one) is
 * expected (true), or no longer (false). */
void ztest_set_fault_valid(bool valid);
/* Called after an expected fatal error; an application may define it. */
void ztest_post_fatal_error_hook(unsigned int reason, const struct arch_esf *pEsf);
#endif

#ifdef CONFIG_ZTEST_ASSERT_HOOK
/* The next failed __ASSERT of the calling thread is expected. */
void ztest_set_assert_valid(bool valid);
void ztest_post_assert_fail_hook(void);
#endif

#endif
