/* The default fatal error handler halts: nothing after k_oops() may run. */
#include <zephyr/kernel.h>

static void after_halt(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("FAIL other thread ran after the halt\n");
}

K_THREAD_DEFINE(bystander, 512, after_halt, NULL, NULL, NULL, K_PRIO_PREEMPT(5), 0, 0);

int main(void)
{
	printk("before oops\n");
	k_oops();
	printk("FAIL main ran after k_oops\n");
	return 0;
}
