/* <zephyr/net/net_if.h>: the board's one network interface (CONFIG_NETWORKING).
 *
 * struct net_if shows the interface as the kernel's stack has it: the C runtime
 * refreshes it before net_if calls return and before net_mgmt callbacks run, so reading
 * iface->config there sees the current addresses. These are kernel functions (as in
 * Zephyr): a user thread calling one is killed. */
#ifndef ZEPHYR_INCLUDE_NET_NET_IF_H_
#define ZEPHYR_INCLUDE_NET_NET_IF_H_

#include <stdbool.h>
#include <stdint.h>
#include <zephyr/device.h>
#include <zephyr/net/net_ip.h>
#include <zephyr/net/dhcpv4.h>
#include <zephyr/net/net_mgmt.h>

#define NET_IF_MAX_IPV4_ADDR 1
#define NET_LINK_ADDR_MAX_LENGTH 6

struct net_linkaddr {
	uint8_t *addr;
	uint8_t len;
	uint8_t type;
};

#define NET_LINK_ETHERNET 6

struct net_addr {
	sa_family_t family;
	union {
		struct in_addr in_addr;
		struct in6_addr in6_addr;
	};
};

struct net_if_addr {
	struct net_addr address;
	enum net_addr_type addr_type;
	/* An IPv6 address's state when the call that returned the entry ran: the kernel's
	 * stack owns the address (DAD, lifetimes); writing here changes only this copy. */
	enum net_addr_state addr_state;
	bool is_used;
	/* An IPv6 privacy-extension address (CONFIG_NET_IPV6_PE, which Levante has not):
	 * never set. */
	bool is_temporary;
};

struct net_if_addr_ipv4 {
	struct net_if_addr ipv4;
	struct in_addr netmask;
};

struct net_if_ipv4 {
	struct net_if_addr_ipv4 unicast[NET_IF_MAX_IPV4_ADDR];
	struct in_addr gw;
	uint8_t ttl;
};

struct net_if_dhcpv4 {
	uint32_t lease_time;
	uint32_t renewal_time;
	uint32_t rebinding_time;
	struct in_addr server_id;
	struct in_addr requested_ip;
	enum net_dhcpv4_state state;
	uint8_t attempts;
};

struct net_if_ip {
	struct net_if_ipv4 *ipv4;
};

struct net_if_config {
	struct net_if_ip ip;
	struct net_if_dhcpv4 dhcpv4;
};

struct net_if_dev {
	const struct device *dev;
	struct net_linkaddr link_addr;
	uint16_t mtu;
	bool oper_up;
};

struct net_if {
	struct net_if_dev *if_dev;
	struct net_if_config config;
};

typedef void (*net_if_cb_t)(struct net_if *iface, void *user_data);

/* The interface (the board has one; NULL without CONFIG_NETWORKING's stack). */
struct net_if *net_if_get_default(void);
struct net_if *net_if_get_first_up(void);
struct net_if *net_if_get_by_index(int index);
int net_if_get_by_iface(struct net_if *iface);
void net_if_foreach(net_if_cb_t cb, void *user_data);
const struct device *net_if_get_device(struct net_if *iface);
struct net_linkaddr *net_if_get_link_addr(struct net_if *iface);
uint16_t net_if_get_mtu(struct net_if *iface);
bool net_if_is_up(struct net_if *iface);

/* Set the interface's IPv4 address (it has one: a new one replaces it), with how it
 * was obtained; the address, or NULL when it cannot be an interface's. */
/* CONFIG_NET_IPV6: add an address by hand (it passes DAD in the kernel's stack before
 * it is used; one the interface has already is returned as it is), remove one, find one
 * (with the interface in *iface when iface is not NULL). The entry is the runtime's
 * copy, with addr_state as the stack had it; NULL when refused or not found. */
struct net_if_addr *net_if_ipv6_addr_add(struct net_if *iface, struct in6_addr *addr,
					 enum net_addr_type addr_type, uint32_t vlifetime);
bool net_if_ipv6_addr_rm(struct net_if *iface, const struct in6_addr *addr);
struct net_if_addr *net_if_ipv6_addr_lookup(const struct in6_addr *addr,
					    struct net_if **iface);

struct net_if_addr *net_if_ipv4_addr_add(struct net_if *iface, struct in_addr *addr,
					 enum net_addr_type addr_type, uint32_t vlifetime);
bool net_if_ipv4_addr_rm(struct net_if *iface, const struct in_addr *addr);
bool net_if_ipv4_set_netmask_by_addr(struct net_if *iface, const struct in_addr *addr,
				     const struct in_addr *netmask);
void net_if_ipv4_set_netmask(struct net_if *iface, const struct in_addr *netmask);
void net_if_ipv4_set_gw(struct net_if *iface, const struct in_addr *gw);

#endif
