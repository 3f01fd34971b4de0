/* The SMP server is a kernel service: the application only says which image runs, so
 * that a test can tell which of its images the boot stage started. */
#include <zephyr/kernel.h>

int main(void)
{
	printk("smp_svr: running version %s\n", CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION);
	return 0;
}
