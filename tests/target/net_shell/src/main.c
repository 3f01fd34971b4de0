/* The network shell's target test: the shell thread reads `net` commands from the
 * console input. With user.conf, a user thread calls the shell's network calls (kernel
 * code in Zephyr) and must be killed for it, and the supervisor shell still answers. */
#include <zephyr/kernel.h>

#ifdef CONFIG_USERSPACE
static char user_text[64];

static void user_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("user calls z_levante_net_shell\n");
	int result = z_levante_net_shell("iface", user_text, sizeof(user_text));

	printk("FAIL user call returned %d\n", result);
}

/* Started after the shell has answered its commands. */
K_THREAD_DEFINE(intruder, 1024, user_entry, NULL, NULL, NULL, 5, K_USER, 500);
#endif

int main(void)
{
	printk("net shell ready\n");
	return 0;
}
