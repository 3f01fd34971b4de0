/* Where the kernel starts threads and callbacks, and the stacks it owns. */
#include <zephyr/kernel.h>
#include <zephyr/init.h>
#include <stdio.h>

int main(void);
void z_sys_work_q_start(void);
void z_libc_thread_start(void);

/* main() may drop to user mode (k_thread_user_mode_enter), so its stack is a user-capable
 * stack object; only supervisor code ever runs on the interrupt stack. */
K_THREAD_STACK_DEFINE(z_main_stack, CONFIG_MAIN_STACK_SIZE);
K_KERNEL_STACK_DEFINE(z_interrupt_stack, CONFIG_ISR_STACK_SIZE);

/* Every thread starts here: run the entry function, then leave as Zephyr does when an
 * entry function returns. */
FUNC_NORETURN void z_thread_entry(k_thread_entry_t entry, void *p1, void *p2, void *p3)
{
#if (defined(CONFIG_PICOLIBC) || defined(CONFIG_MINIMAL_LIBC)) && \
	!defined(CONFIG_THREAD_LOCAL_STORAGE)
	/* picolibc's shared thread-local block, before the first errno (with thread-local
	 * storage the kernel fills each thread's own block). */
	z_libc_thread_start();
#endif
	entry(p1, p2, p3);
	k_thread_abort(k_current_get());
	CODE_UNREACHABLE;
}

#ifndef CONFIG_ZTEST
/* An application may have no main() (its threads are all K_THREAD_DEFINE): the main
 * thread then returns at once, as with Zephyr's weak default.  (ztest's runner has its
 * own default main.) */
__weak int main(void)
{
	return 0;
}
#endif

#ifdef CONFIG_SYSTEM_WORKQUEUE
/* Zephyr starts it at this level and priority, before main(): its cooperative thread
 * runs at once and waits for work. */
static int sys_work_q_init(void)
{
	z_sys_work_q_start();
	return 0;
}
SYS_INIT(sys_work_q_init, POST_KERNEL, CONFIG_KERNEL_INIT_PRIORITY_DEFAULT);
#endif

/* The main thread's entry: the boot's init levels in Zephyr's order, then main(), whose
 * return value is ignored, as in Zephyr. */
void z_main_thread_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
#if defined(CONFIG_USERSPACE) && defined(CONFIG_NEWLIB_LIBC)
	/* stdout unbuffered: its buffer would come from the heap, kernel memory, and user
	 * threads print too (Zephyr's printf writes through at once as well).  picolibc's
	 * console stream has no buffer (picolibc_glue.c). */
	setvbuf(stdout, NULL, _IONBF, 0);
#endif
	z_sys_init_run_level(Z_INIT_ORD_EARLY);
	z_sys_init_run_level(Z_INIT_ORD_PRE_KERNEL_1);
	z_sys_init_run_level(Z_INIT_ORD_PRE_KERNEL_2);
	z_sys_init_run_level(Z_INIT_ORD_POST_KERNEL);
#if CONFIG_BOOT_DELAY > 0
	/* Where Zephyr waits: after POST_KERNEL, before the application's levels. */
	k_busy_wait((uint32_t)CONFIG_BOOT_DELAY * USEC_PER_MSEC);
#endif
	z_sys_init_run_level(Z_INIT_ORD_APPLICATION);
	(void)main();
}

/* Kernel-started callbacks (timer expiry functions, the fatal error handler) return
 * here; the trap tells the kernel the callback is over. */
__attribute__((naked, noreturn)) void z_callback_return(void)
{
	__asm__ volatile("svc %0" : : "i"(LV_SVC_CALLBACK_RETURN));
}

/* Zephyr's default: report (the kernel already printed the details) and halt. */
__weak void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	k_fatal_halt(reason);
}

/* Zephyr's default after a failed __ASSERT: a kernel panic (an oops from user mode). */
__weak void assert_post_action(const char *file, unsigned int line)
{
	ARG_UNUSED(file);
	ARG_UNUSED(line);
	k_panic();
}

/* The main thread's object, so k_current_get() in main() names a real k_thread. */
struct k_thread z_main_thread;
