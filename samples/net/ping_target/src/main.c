/* A device on the network that does nothing but be there: the interface comes up at
 * boot with the address prj.conf gives it, and the network stack answers ARP and ping
 * while main() has long returned and the system idles. */

#include <zephyr/kernel.h>

int main(void)
{
	printk("ping target %s on %s, peer %s\n", CONFIG_NET_CONFIG_MY_IPV4_ADDR,
	       CONFIG_BOARD, CONFIG_NET_CONFIG_PEER_IPV4_ADDR);
#if defined(CONFIG_NET_IPV6)
	printk("ping target %s, peer %s\n", CONFIG_NET_CONFIG_MY_IPV6_ADDR,
	       CONFIG_NET_CONFIG_PEER_IPV6_ADDR);
#endif
	return 0;
}
