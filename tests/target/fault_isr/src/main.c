/* A timer expiry function (interrupt context) reads unmapped memory; the handler
 * returns, yet the system must halt. */
#include <zephyr/kernel.h>

static volatile int handler_in_isr = -1;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	handler_in_isr = k_is_in_isr();
	printk("HANDLER reason=%u in_isr=%d\n", reason, handler_in_isr);
}

static void expiry(struct k_timer *timer)
{
	ARG_UNUSED(timer);
	printk("expiry in_isr=%d\n", k_is_in_isr());
	(void)*(volatile uint32_t *)0x60000010;
	printk("FAIL expiry went on after the fault\n");
}

K_TIMER_DEFINE(faulty_timer, expiry, NULL);

int main(void)
{
	k_timer_start(&faulty_timer, K_MSEC(2), K_NO_WAIT);
	k_msleep(10);
	printk("FAIL main ran after the ISR faulted\n");
	return 0;
}
