/* For the GDB server's tests: `intruder`, a user thread, reads kernel memory and faults;
 * `panicker` raises a fatal error (k_oops); main then spins forever, so only GDB (Ctrl-C,
 * kill, detach) or --max-time ends the run. */
#include <zephyr/kernel.h>
#include <zephyr/sys/printk.h>

volatile uint32_t kernel_secret = 0x5ec7e7u;
volatile uint32_t spins;

static void intruder(void *p1, void *p2, void *p3)
{
	printk("intruder read %x\n", kernel_secret);
}

/* The fault ends only the intruder: main goes on. */
void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("fatal error %u\n", reason);
}

static void panicker(void *p1, void *p2, void *p3)
{
	k_oops();
	printk("panicker went on\n");
}

/* Both cooperative: they run before main, in name order. */
K_THREAD_DEFINE(intruder_thread, 1024, intruder, NULL, NULL, NULL, -1, K_USER, 0);
K_THREAD_DEFINE(panicker_thread, 1024, panicker, NULL, NULL, NULL, -1, 0, 0);

int main(void)
{
	for (;;) {
		spins++;
	}
	return 0;
}
