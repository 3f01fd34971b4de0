/* An essential thread faults; the handler returns, yet the system must halt. */
#include <zephyr/kernel.h>

K_THREAD_STACK_DEFINE(essential_stack, 1024);
static struct k_thread essential_thread;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("HANDLER reason=%u\n", reason);
}

static void essential_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	k_oops();
}

int main(void)
{
	k_thread_create(&essential_thread, essential_stack, K_THREAD_STACK_SIZEOF(essential_stack),
			essential_entry, NULL, NULL, NULL, K_PRIO_PREEMPT(5), K_ESSENTIAL, K_FOREVER);
	k_thread_name_set(&essential_thread, "essential");
	k_thread_start(&essential_thread);
	printk("joining\n");
	k_thread_join(&essential_thread, K_MSEC(100));
	printk("FAIL main ran after the essential thread faulted\n");
	return 0;
}
