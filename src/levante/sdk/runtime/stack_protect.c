/* Compiler stack protection (CONFIG_STACK_CANARIES): the canary and the failure path.
 *
 * GCC's -fstack-protector* code compares each protected frame's copy of
 * __stack_chk_guard on return and calls __stack_chk_fail() on a mismatch. The kernel
 * draws the value from the CSPRNG at boot (lowest byte zero); with STACK_CANARIES_TLS it
 * installs each thread's own value before the thread runs. Like Zephyr, the word lives
 * where user threads can read it: in the C library's partition with user mode. */
#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>

#ifdef CONFIG_STACK_CANARIES

#ifdef CONFIG_USERSPACE
K_APP_DMEM(z_libc_partition) uintptr_t __stack_chk_guard = 0;
#else
uintptr_t __stack_chk_guard = 0;
#endif

/* Never returns: the thread ends with K_ERR_STACK_CHK_FAIL. Built without a canary of
 * its own, so a smashed frame cannot recurse into it. */
__attribute__((noreturn, optimize("no-stack-protector"))) void __stack_chk_fail(void)
{
	ARCH_EXCEPT(K_ERR_STACK_CHK_FAIL);
}

#endif
