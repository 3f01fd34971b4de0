/* Thread-local storage (CONFIG_THREAD_LOCAL_STORAGE): where __aeabi_read_tp finds the
 * running thread's thread pointer.
 *
 * The Cortex-M has no thread-ID register, so the pointer is a word the kernel rewrites
 * whenever another thread is about to run (levante.kernel.thread_tls).  The kernel lays
 * out each thread's block at the top of its stack: the thread pointer is 8 bytes (the
 * ARM EABI's thread control block) below the copy of .tdata and .tbss.  With user mode
 * the word is in the C library's partition, as the C library's other state is, so a
 * user thread whose domain has that partition can read it.
 */
#include <zephyr/kernel.h>

#ifdef CONFIG_THREAD_LOCAL_STORAGE
#include <zephyr/app_memory/app_memdomain.h>

#ifdef CONFIG_USERSPACE
K_APP_DMEM(z_libc_partition)
#endif
uintptr_t z_arm_tls_ptr;

/* The EABI's helper may change r0 only: no C function can promise that. */
__attribute__((naked)) void *__aeabi_read_tp(void)
{
	__asm__ volatile("ldr r0, =z_arm_tls_ptr\n\tldr r0, [r0]\n\tbx lr");
}
#endif
