/* <zephyr/net/dhcpv4.h>: the interface's DHCPv4 client (CONFIG_NET_DHCPV4).
 *
 * The client runs in the kernel's network stack (RFC 2131: INIT, SELECTING, REQUESTING,
 * BOUND, RENEWING, REBINDING). Option callbacks (CONFIG_NET_DHCPV4_OPTION_CALLBACKS)
 * ask the client to request their option and run on the net_mgmt thread after each
 * ACK that carried it; options Levante decodes itself (1, 3, 6, 51, 53, 54, 58, 59 and
 * the other standard ones) are not handed to callbacks. */
#ifndef ZEPHYR_INCLUDE_NET_DHCPV4_H_
#define ZEPHYR_INCLUDE_NET_DHCPV4_H_

#include <stddef.h>
#include <stdint.h>
#include <zephyr/sys/slist.h>

struct net_if;

enum net_dhcpv4_state {
	NET_DHCPV4_DISABLED,
	NET_DHCPV4_INIT,
	NET_DHCPV4_SELECTING,
	NET_DHCPV4_REQUESTING,
	NET_DHCPV4_RENEWING,
	NET_DHCPV4_REBINDING,
	NET_DHCPV4_BOUND,
	NET_DHCPV4_DECLINE,
} __attribute__((__packed__));

enum net_dhcpv4_msg_type {
	NET_DHCPV4_MSG_TYPE_DISCOVER = 1,
	NET_DHCPV4_MSG_TYPE_OFFER = 2,
	NET_DHCPV4_MSG_TYPE_REQUEST = 3,
	NET_DHCPV4_MSG_TYPE_DECLINE = 4,
	NET_DHCPV4_MSG_TYPE_ACK = 5,
	NET_DHCPV4_MSG_TYPE_NAK = 6,
	NET_DHCPV4_MSG_TYPE_RELEASE = 7,
	NET_DHCPV4_MSG_TYPE_INFORM = 8,
};

struct net_dhcpv4_option_callback;

typedef void (*net_dhcpv4_option_callback_handler_t)(struct net_dhcpv4_option_callback *cb,
						      size_t length,
						      enum net_dhcpv4_msg_type msg_type,
						      struct net_if *iface);

struct net_dhcpv4_option_callback {
	sys_snode_t node;
	net_dhcpv4_option_callback_handler_t handler;
	uint8_t option;
	size_t max_length;
	void *data;
};

static inline void net_dhcpv4_init_option_callback(struct net_dhcpv4_option_callback *cb,
						   net_dhcpv4_option_callback_handler_t handler,
						   uint8_t option, void *data, size_t max_length)
{
	cb->handler = handler;
	cb->option = option;
	cb->data = data;
	cb->max_length = max_length;
}

int net_dhcpv4_add_option_callback(struct net_dhcpv4_option_callback *cb);
int net_dhcpv4_remove_option_callback(struct net_dhcpv4_option_callback *cb);

/* Start the client on `iface` (from INIT, after RFC 2131's random delay); nothing when
 * it runs already. */
void net_dhcpv4_start(struct net_if *iface);
/* Stop it: the leased address is removed. */
void net_dhcpv4_stop(struct net_if *iface);
/* Stop, then start again from INIT. */
void net_dhcpv4_restart(struct net_if *iface);

const char *net_dhcpv4_state_name(enum net_dhcpv4_state state);

#endif
