/* run_interrupt: never ends. main sleeps in a loop while a timer expires every 50 us,
 * so the CPU is inside a system call or a callback most of the time a Ctrl-C comes. */
#include <zephyr/kernel.h>

static void tick(struct k_timer *timer)
{
	ARG_UNUSED(timer);
}

K_TIMER_DEFINE(ticker, tick, NULL);

int main(void)
{
	printk("sleeping\n");
	k_timer_start(&ticker, K_USEC(50), K_USEC(50));
	for (;;) {
		k_usleep(10);
	}
	return 0;
}
