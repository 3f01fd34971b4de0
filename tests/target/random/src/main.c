/* Random numbers from C: entropy_get_entropy, sys_rand*_get, sys_csrand_get, and the
 * entropy device's permission check for user threads. Prints the numbers it drew so that
 * the test can compare runs. */
#include <zephyr/kernel.h>
#include <zephyr/device.h>
#include <zephyr/drivers/entropy.h>
#include <zephyr/random/random.h>

static void print_bytes(const char *what, const uint8_t *data, size_t length)
{
	printk("%s", what);
	for (size_t i = 0; i < length; i++) {
		printk("%02x", data[i]);
	}
	printk("\n");
}

K_THREAD_STACK_DEFINE(user_stack, 1024);
static struct k_thread user_thread;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("HANDLER %u\n", reason);
}

static void user_entry(void *p1, void *p2, void *p3)
{
	uint8_t mine[8]; /* on the thread's own stack */

	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("USER entropy %d\n",
	       entropy_get_entropy((const struct device *)p1, mine, sizeof(mine)));
}

int main(void)
{
	const struct device *trng = DEVICE_DT_GET(DT_CHOSEN(zephyr_entropy));
	uint8_t entropy[16], csrand[16];
	/* First, before anything whose timing depends on the entropy drawn. */
	uint32_t words[3] = {sys_rand32_get(), sys_rand32_get(), sys_rand32_get()};

	printk("READY %d\n", device_is_ready(trng));
	printk("ENTROPY_RESULT %d\n", entropy_get_entropy(trng, entropy, sizeof(entropy)));
	print_bytes("ENTROPY ", entropy, sizeof(entropy));
	printk("RAND32 %08x %08x %08x\n", words[0], words[1], words[2]);
	printk("RAND8 %02x RAND16 %04x\n", sys_rand8_get(), sys_rand16_get());
	printk("CSRAND_RESULT %d\n", sys_csrand_get(csrand, sizeof(csrand)));
	print_bytes("CSRAND ", csrand, sizeof(csrand));

	/* A user thread without a grant for the device is refused (oops); with one it reads. */
	for (int granted = 0; granted < 2; granted++) {
		k_thread_create(&user_thread, user_stack, K_THREAD_STACK_SIZEOF(user_stack),
				user_entry, (void *)trng, NULL, NULL, K_PRIO_PREEMPT(5), K_USER,
				K_FOREVER);
		k_thread_name_set(&user_thread, granted ? "granted" : "ungranted");
		if (granted) {
			k_object_access_grant(trng, &user_thread);
		}
		k_thread_start(&user_thread);
		(void)k_thread_join(&user_thread, K_FOREVER);
	}
	printk("DONE\n");
	return 0;
}
