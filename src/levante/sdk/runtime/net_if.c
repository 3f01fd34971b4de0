/* CONFIG_NETWORKING: <zephyr/net/net_if.h> over the kernel's interface, the address
 * text conversions of <zephyr/net/net_ip.h>, and net_config_init_app.
 *
 * The one struct net_if lives here, in kernel memory; refresh() copies the kernel's
 * view of the interface into it (z_levante_net_if_state) whenever an application may
 * look at it. */
#include <zephyr/kernel.h>
#include <zephyr/net/net_if.h>
#include <zephyr/net/net_config.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#ifdef CONFIG_NET_SOCKETS
#include <zephyr/net/socket.h> /* IPv6 address text */
#endif

#ifdef CONFIG_NETWORKING

/* The kernel's view (kernel/syscalls/net_if_calls.py packs it). */
struct z_levante_net_if_state {
	uint8_t up;
	uint8_t addr_type;
	uint8_t dhcpv4_state;
	uint8_t reserved;
	uint16_t mtu;
	uint8_t mac[6];
	uint32_t address;
	uint32_t netmask;
	uint32_t gateway;
	uint32_t lease_time;
	uint32_t renewal_time;
	uint32_t rebinding_time;
	uint32_t dhcp_server;
	uint32_t dhcp_attempts;
};
BUILD_ASSERT(sizeof(struct z_levante_net_if_state) == 44, "the kernel packs 44 bytes");

enum { SET_ADDRESS, SET_NETMASK, SET_GATEWAY, REMOVE_ADDRESS };

static const struct device ethernet_device = { .name = "eth0" };
static uint8_t link_address[6];
static struct net_if_dev interface_device = {
	.dev = &ethernet_device,
	.link_addr = { .addr = link_address, .len = 6, .type = NET_LINK_ETHERNET },
};
static struct net_if_ipv4 interface_ipv4;
static struct net_if the_interface = {
	.if_dev = &interface_device,
	.config = { .ip = { .ipv4 = &interface_ipv4 } },
};

/* Bring the_interface up to date with the kernel's stack. */
void z_levante_net_if_refresh(void)
{
	struct z_levante_net_if_state state;

	if (z_levante_net_if_state(&state) != 0) {
		return;
	}
	interface_device.oper_up = state.up != 0;
	interface_device.mtu = state.mtu;
	memcpy(link_address, state.mac, sizeof(link_address));
	struct net_if_addr_ipv4 *unicast = &interface_ipv4.unicast[0];

	unicast->ipv4.address.family = AF_INET;
	unicast->ipv4.address.in_addr.s_addr = state.address;
	unicast->ipv4.addr_type = (enum net_addr_type)state.addr_type;
	unicast->ipv4.is_used = state.addr_type != NET_ADDR_ANY;
	unicast->netmask.s_addr = state.netmask;
	interface_ipv4.gw.s_addr = state.gateway;
	interface_ipv4.ttl = 64;
	the_interface.config.dhcpv4.lease_time = state.lease_time;
	the_interface.config.dhcpv4.renewal_time = state.renewal_time;
	the_interface.config.dhcpv4.rebinding_time = state.rebinding_time;
	the_interface.config.dhcpv4.server_id.s_addr = state.dhcp_server;
	the_interface.config.dhcpv4.requested_ip.s_addr =
		state.addr_type == NET_ADDR_DHCP ? state.address : 0;
	the_interface.config.dhcpv4.state = (enum net_dhcpv4_state)state.dhcpv4_state;
	the_interface.config.dhcpv4.attempts = (uint8_t)state.dhcp_attempts;
}

struct net_if *net_if_get_default(void)
{
	z_levante_net_if_refresh();
	return &the_interface;
}

struct net_if *net_if_get_first_up(void)
{
	struct net_if *iface = net_if_get_default();

	return iface->if_dev->oper_up ? iface : NULL;
}

struct net_if *net_if_get_by_index(int index)
{
	return index == 1 ? net_if_get_default() : NULL;
}

int net_if_get_by_iface(struct net_if *iface)
{
	return iface == &the_interface ? 1 : -1;
}

void net_if_foreach(net_if_cb_t cb, void *user_data)
{
	cb(net_if_get_default(), user_data);
}

const struct device *net_if_get_device(struct net_if *iface)
{
	return iface->if_dev->dev;
}

struct net_linkaddr *net_if_get_link_addr(struct net_if *iface)
{
	z_levante_net_if_refresh();
	return &iface->if_dev->link_addr;
}

uint16_t net_if_get_mtu(struct net_if *iface)
{
	z_levante_net_if_refresh();
	return iface->if_dev->mtu;
}

bool net_if_is_up(struct net_if *iface)
{
	z_levante_net_if_refresh();
	return iface->if_dev->oper_up;
}

struct net_if_addr *net_if_ipv4_addr_add(struct net_if *iface, struct in_addr *addr,
					 enum net_addr_type addr_type, uint32_t vlifetime)
{
	ARG_UNUSED(vlifetime); /* addresses set by hand do not expire (Zephyr: 0 = ever) */
	int result = z_levante_net_if_ipv4_set(SET_ADDRESS, addr->s_addr,
					       addr_type == NET_ADDR_ANY ? NET_ADDR_MANUAL
									 : addr_type);

	z_levante_net_if_refresh();
	return result == 0 ? &iface->config.ip.ipv4->unicast[0].ipv4 : NULL;
}

bool net_if_ipv4_addr_rm(struct net_if *iface, const struct in_addr *addr)
{
	bool removed = z_levante_net_if_ipv4_set(REMOVE_ADDRESS, addr->s_addr, 0) == 0;

	ARG_UNUSED(iface);
	z_levante_net_if_refresh();
	return removed;
}

bool net_if_ipv4_set_netmask_by_addr(struct net_if *iface, const struct in_addr *addr,
				     const struct in_addr *netmask)
{
	z_levante_net_if_refresh();
	if (iface->config.ip.ipv4->unicast[0].ipv4.address.in_addr.s_addr != addr->s_addr) {
		return false;
	}
	bool set = z_levante_net_if_ipv4_set(SET_NETMASK, netmask->s_addr, 0) == 0;

	z_levante_net_if_refresh();
	return set;
}

void net_if_ipv4_set_netmask(struct net_if *iface, const struct in_addr *netmask)
{
	ARG_UNUSED(iface);
	(void)z_levante_net_if_ipv4_set(SET_NETMASK, netmask->s_addr, 0);
	z_levante_net_if_refresh();
}

void net_if_ipv4_set_gw(struct net_if *iface, const struct in_addr *gw)
{
	ARG_UNUSED(iface);
	(void)z_levante_net_if_ipv4_set(SET_GATEWAY, gw->s_addr, 0);
	z_levante_net_if_refresh();
}

#if defined(CONFIG_NET_CONFIG_SETTINGS) && defined(CONFIG_NET_CONFIG_NEED_IPV6)
/* Zephyr's net_config_init: before the application's init level and main(), wait until
 * the configured IPv6 address has passed Duplicate Address Detection, at most
 * CONFIG_NET_CONFIG_INIT_TIMEOUT seconds; the application starts either way. */
static int wait_for_network_setup(void)
{
	if (z_levante_net_config_wait(K_SECONDS(CONFIG_NET_CONFIG_INIT_TIMEOUT)) != 0) {
		printk("net_config: Timeout while waiting network setup\n");
	}
	return 0;
}
SYS_INIT(wait_for_network_setup, POST_KERNEL, 99);
#endif

int net_config_init_app(const struct device *dev, const char *app_info)
{
	ARG_UNUSED(dev);
	ARG_UNUSED(app_info);
	return z_levante_net_if_state(&(struct z_levante_net_if_state){ 0 }) == 0 ? 0 : -ENODEV;
}

#endif /* CONFIG_NETWORKING */

char *net_addr_ntop(sa_family_t family, const void *src, char *dst, size_t size)
{
	const uint8_t *octets = src;

#ifdef CONFIG_NET_SOCKETS
	if (family == AF_INET6) {
		return zsock_inet_ntop(family, src, dst, size); /* the socket layer's text */
	}
#endif
	if (family != AF_INET) {
		return NULL;
	}
	int length = snprintf(dst, size, "%u.%u.%u.%u", octets[0], octets[1], octets[2],
			      octets[3]);

	return length > 0 && (size_t)length < size ? dst : NULL;
}

int net_addr_pton(sa_family_t family, const char *src, void *dst)
{
	uint8_t octets[4];

#ifdef CONFIG_NET_SOCKETS
	if (family == AF_INET6) {
		return zsock_inet_pton(family, src, dst) == 1 ? 0 : -EINVAL;
	}
#endif
	if (family != AF_INET) {
		return -EAFNOSUPPORT;
	}
	for (int index = 0; index < 4; index++) {
		unsigned int value = 0;
		int digits = 0;

		while (*src >= '0' && *src <= '9' && digits < 4) {
			value = value * 10u + (unsigned int)(*src++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || value > 255u ||
		    *src != (index < 3 ? '.' : '\0')) {
			return -EINVAL;
		}
		octets[index] = (uint8_t)value;
		src++;
	}
	memcpy(dst, octets, sizeof(octets));
	return 0;
}
