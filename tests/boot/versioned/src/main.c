/* Prints the version the build signed this image with, so a test can tell which of
 * several staged images the boot stage started. */
#include <zephyr/kernel.h>

int main(void)
{
#ifdef CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION
	printk("running version %s\n", CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION);
#else
	printk("running unsigned\n");
#endif
	return 0;
}
