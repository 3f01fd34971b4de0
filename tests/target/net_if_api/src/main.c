/* <zephyr/net/net_if.h>, net_mgmt.h and dhcpv4.h from supervisor code: the interface's
 * state, address changes and their events on the net_mgmt thread, DHCPv4 start and stop.
 * With user.conf a user thread calls net_if_get_default() and must be killed. */
#include <zephyr/kernel.h>
#include <zephyr/net/net_if.h>
#include <zephyr/net/net_mgmt.h>
#include <zephyr/net/dhcpv4.h>
#include <errno.h>
#include <string.h>

static struct net_mgmt_event_callback ipv4_events;
static K_SEM_DEFINE(event_seen, 0, 16);
static uint32_t last_event;
static k_tid_t handler_thread;

static void on_ipv4_event(struct net_mgmt_event_callback *cb, uint32_t event,
			  struct net_if *iface)
{
	ARG_UNUSED(cb);
	ARG_UNUSED(iface);
	last_event = event;
	handler_thread = k_current_get();
	k_sem_give(&event_seen);
}

static void check(bool ok, const char *name)
{
	printk("%s %s\n", ok ? "PASS" : "FAIL", name);
}

static struct in_addr address(const char *text)
{
	struct in_addr result = { 0 };

	(void)net_addr_pton(AF_INET, text, &result);
	return result;
}

/* Whether `event` came (others may come first: Zephyr matches a mask's command bits,
 * so this mask also takes NET_EVENT_IPV4_ROUTER_ADD, command 5). */
static bool event_was(uint32_t event)
{
	while (k_sem_take(&event_seen, K_SECONDS(1)) == 0) {
		if (last_event == event) {
			return true;
		}
	}
	return false;
}

static void text_conversions(void)
{
	struct in_addr parsed;
	char text[NET_IPV4_ADDR_LEN];
	char small[8];

	check(net_addr_pton(AF_INET, "192.0.2.77", &parsed) == 0 &&
		      parsed.s4_addr[0] == 192 && parsed.s4_addr[3] == 77 &&
		      strcmp(net_addr_ntop(AF_INET, &parsed, text, sizeof(text)), "192.0.2.77") == 0,
	      "pton_ntop");
	check(net_addr_pton(AF_INET, "192.0.2.256", &parsed) == -EINVAL &&
		      net_addr_pton(AF_INET, "192.0.2", &parsed) == -EINVAL &&
		      net_addr_pton(AF_INET, "1.2.3.4x", &parsed) == -EINVAL &&
		      net_addr_ntop(AF_INET, &parsed, small, sizeof(small)) == NULL,
	      "bad_text");
}

int main(void)
{
	struct net_if *iface = net_if_get_default();
	struct net_if_addr_ipv4 *unicast = &iface->config.ip.ipv4->unicast[0];
	struct net_linkaddr *link = net_if_get_link_addr(iface);
	static const uint8_t mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x01 };

	net_mgmt_init_event_callback(&ipv4_events, on_ipv4_event,
				     NET_EVENT_IPV4_ADDR_ADD | NET_EVENT_IPV4_DHCP_START |
					     NET_EVENT_IPV4_DHCP_STOP);
	net_mgmt_add_event_callback(&ipv4_events);

	check(iface != NULL && net_if_get_by_iface(iface) == 1 &&
		      strcmp(net_if_get_device(iface)->name, "eth0") == 0,
	      "default_interface");
	check(link->len == 6 && memcmp(link->addr, mac, 6) == 0 && net_if_get_mtu(iface) == 1500,
	      "link_address_and_mtu");
	/* levante run plugs the interface into the user-mode gateway unless told otherwise. */
	check(net_if_is_up(iface) && net_if_get_first_up() == iface, "up_on_the_default_link");
	check(unicast->ipv4.address.in_addr.s_addr == address("192.0.2.1").s_addr &&
		      unicast->ipv4.addr_type == NET_ADDR_OVERRIDABLE &&
		      unicast->netmask.s_addr == address("255.255.255.0").s_addr,
	      "static_address_overridable_with_dhcp");

	struct in_addr new_address = address("192.0.2.9");

	check(net_if_ipv4_addr_add(iface, &new_address, NET_ADDR_MANUAL, 0) != NULL &&
		      unicast->ipv4.address.in_addr.s_addr == new_address.s_addr &&
		      unicast->ipv4.addr_type == NET_ADDR_MANUAL,
	      "address_added");
	check(event_was(NET_EVENT_IPV4_ADDR_ADD) && handler_thread != k_current_get() &&
		      strcmp(k_thread_name_get(handler_thread), "net_mgmt") == 0,
	      "event_on_the_net_mgmt_thread");

	struct in_addr loopback = address("127.0.0.1");

	check(net_if_ipv4_addr_add(iface, &loopback, NET_ADDR_MANUAL, 0) == NULL &&
		      unicast->ipv4.address.in_addr.s_addr == new_address.s_addr,
	      "unusable_address_refused");

	struct in_addr other = address("192.0.2.10");
	struct in_addr mask16 = address("255.255.0.0");

	check(!net_if_ipv4_set_netmask_by_addr(iface, &other, &mask16) &&
		      net_if_ipv4_set_netmask_by_addr(iface, &new_address, &mask16) &&
		      unicast->netmask.s_addr == mask16.s_addr,
	      "netmask_by_address");

	struct in_addr gateway = address("192.0.3.254");
	struct in_addr off_subnet = address("198.51.100.1");

	net_if_ipv4_set_gw(iface, &gateway);
	check(iface->config.ip.ipv4->gw.s_addr == gateway.s_addr, "gateway_set");
	net_if_ipv4_set_gw(iface, &off_subnet);
	check(iface->config.ip.ipv4->gw.s_addr == gateway.s_addr, "gateway_off_subnet_ignored");

	/* net_config started the client at boot (NET_CONFIG_SETTINGS with NET_DHCPV4). */
	check(net_if_get_default()->config.dhcpv4.state != NET_DHCPV4_DISABLED,
	      "dhcp_started_at_boot");
	net_dhcpv4_stop(iface);
	check(event_was(NET_EVENT_IPV4_DHCP_STOP) &&
		      net_if_get_default()->config.dhcpv4.state == NET_DHCPV4_DISABLED,
	      "dhcp_stopped");
	net_dhcpv4_start(iface);
	check(event_was(NET_EVENT_IPV4_DHCP_START) &&
		      net_if_get_default()->config.dhcpv4.state == NET_DHCPV4_INIT &&
		      strcmp(net_dhcpv4_state_name(NET_DHCPV4_INIT), "init") == 0,
	      "dhcp_started");
	net_dhcpv4_stop(iface);
	check(net_if_ipv4_addr_rm(iface, &new_address) &&
		      !net_if_get_default()->config.ip.ipv4->unicast[0].ipv4.is_used &&
		      !net_if_ipv4_addr_rm(iface, &new_address),
	      "address_removed");
	text_conversions();
	printk("DONE\n");
	return 0;
}

#ifdef CONFIG_USERSPACE
static void intruder_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("user calls net_if_get_default\n");
	(void)net_if_get_default();
	printk("FAIL user call returned\n");
}

/* Started after main has finished its checks. */
K_THREAD_DEFINE(intruder, 1024, intruder_entry, NULL, NULL, NULL, 5, K_USER, 500);
#endif
