/* The SMP server is a kernel service: the application only says which image runs. The
 * server answers on UDP port 1337. */
#include <zephyr/kernel.h>

int main(void)
{
	printk("smp_svr: running version %s\n", CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION);
	return 0;
}
