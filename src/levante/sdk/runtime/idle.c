/* Zephyr's idle thread entry, `idle`: wait for an interrupt, forever.  Levante's kernel
 * idles without running a thread (time jumps to the next deadline), so only a thread
 * some code starts on this function runs it; kthread.h's z_is_idle_thread_entry and
 * ksched.h's priority rules recognise it, as Zephyr's do.  Weak: an application may
 * have its own function of that name. */
#include <zephyr/kernel.h>

__weak void idle(void *unused1, void *unused2, void *unused3)
{
	ARG_UNUSED(unused1);
	ARG_UNUSED(unused2);
	ARG_UNUSED(unused3);
	for (;;) {
		__asm__ volatile("wfi");
	}
}
