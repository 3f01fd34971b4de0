/* DHCPv4 at boot: the interface gets its address from the link's DHCP server while
 * main has nothing to do. */
#include <zephyr/kernel.h>

int main(void)
{
	printk("dhcp device ready\n");
	return 0;
}
