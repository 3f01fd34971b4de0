/* <zephyr/net/net_event.h>: the network management events Levante raises (the IPv4
 * layer's and the connection manager's), with Zephyr's codes. */
#ifndef ZEPHYR_INCLUDE_NET_NET_EVENT_H_
#define ZEPHYR_INCLUDE_NET_NET_EVENT_H_

#include <zephyr/net/net_mgmt_codes.h>

/* IPv4 events: layer L3, core code 0x004, on an interface. */
#define _NET_EVENT_IPV4_BASE                                                               \
	(NET_MGMT_EVENT_BIT | NET_MGMT_IFACE_BIT | NET_MGMT_LAYER(NET_MGMT_LAYER_L3) |     \
	 NET_MGMT_LAYER_CODE(0x004))

#define NET_EVENT_IPV4_ADDR_ADD (_NET_EVENT_IPV4_BASE | 1u)
#define NET_EVENT_IPV4_ADDR_DEL (_NET_EVENT_IPV4_BASE | 2u)
#define NET_EVENT_IPV4_ROUTER_ADD (_NET_EVENT_IPV4_BASE | 5u)
#define NET_EVENT_IPV4_DHCP_START (_NET_EVENT_IPV4_BASE | 7u)
#define NET_EVENT_IPV4_DHCP_BOUND (_NET_EVENT_IPV4_BASE | 8u)
#define NET_EVENT_IPV4_DHCP_STOP (_NET_EVENT_IPV4_BASE | 9u)

/* IPv6 events: layer L3, core code 0x060. Levante raises none of them yet; callbacks
 * may ask for them (echo_client does, for IPv6 privacy extensions). */
#define _NET_EVENT_IPV6_BASE                                                               \
	(NET_MGMT_EVENT_BIT | NET_MGMT_IFACE_BIT | NET_MGMT_LAYER(NET_MGMT_LAYER_L3) |     \
	 NET_MGMT_LAYER_CODE(0x060))
#define NET_EVENT_IPV6_ADDR_ADD (_NET_EVENT_IPV6_BASE | 1u)
#define NET_EVENT_IPV6_ADDR_DEL (_NET_EVENT_IPV6_BASE | 2u)
#define NET_EVENT_IPV6_DAD_SUCCEED (_NET_EVENT_IPV6_BASE | 13u)
#define NET_EVENT_IPV6_ADDR_DEPRECATED (_NET_EVENT_IPV6_BASE | 20u)

/* Transport (L4) events: core code 0x114. The connection manager raises them
 * (CONFIG_NET_CONNECTION_MANAGER, <zephyr/net/conn_mgr_monitor.h>). */
#define _NET_EVENT_L4_BASE                                                                 \
	(NET_MGMT_EVENT_BIT | NET_MGMT_IFACE_BIT | NET_MGMT_LAYER(NET_MGMT_LAYER_L4) |     \
	 NET_MGMT_LAYER_CODE(0x114))
#define NET_EVENT_L4_CONNECTED (_NET_EVENT_L4_BASE | 1u)
#define NET_EVENT_L4_DISCONNECTED (_NET_EVENT_L4_BASE | 2u)
#define NET_EVENT_L4_IPV4_CONNECTED (_NET_EVENT_L4_BASE | 3u)
#define NET_EVENT_L4_IPV4_DISCONNECTED (_NET_EVENT_L4_BASE | 4u)
#define NET_EVENT_L4_IPV6_CONNECTED (_NET_EVENT_L4_BASE | 5u)
#define NET_EVENT_L4_IPV6_DISCONNECTED (_NET_EVENT_L4_BASE | 6u)

#endif
