/* <zephyr/net/coap_mgmt.h>: the network management events of the CoAP server
 * (CONFIG_COAP_SERVER with CONFIG_NET_MGMT_EVENT), with Zephyr's codes: a service
 * started or stopped, an observer added to or removed from a resource.  The server
 * raises them through net_mgmt; with CONFIG_NET_MGMT_EVENT_INFO a handler gets the
 * struct below as the event's information. */
#ifndef ZEPHYR_INCLUDE_NET_COAP_MGMT_H_
#define ZEPHYR_INCLUDE_NET_COAP_MGMT_H_

#include <zephyr/net/net_mgmt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Layer L4, core code 0x1c0, no interface. */
#define _NET_COAP_LAYER NET_MGMT_LAYER_L4
#define _NET_COAP_CODE 0x1c0
#define _NET_COAP_IF_BASE                                                                   \
	(NET_MGMT_EVENT_BIT | NET_MGMT_LAYER(_NET_COAP_LAYER) | NET_MGMT_LAYER_CODE(_NET_COAP_CODE))

struct coap_service;
struct coap_resource;
struct coap_observer;

enum net_event_coap_cmd {
	NET_EVENT_COAP_CMD_SERVICE_STARTED = 1,
	NET_EVENT_COAP_CMD_SERVICE_STOPPED,
	NET_EVENT_COAP_CMD_OBSERVER_ADDED,
	NET_EVENT_COAP_CMD_OBSERVER_REMOVED,
};

#define NET_EVENT_COAP_SERVICE_STARTED (_NET_COAP_IF_BASE | NET_EVENT_COAP_CMD_SERVICE_STARTED)
#define NET_EVENT_COAP_SERVICE_STOPPED (_NET_COAP_IF_BASE | NET_EVENT_COAP_CMD_SERVICE_STOPPED)
#define NET_EVENT_COAP_OBSERVER_ADDED (_NET_COAP_IF_BASE | NET_EVENT_COAP_CMD_OBSERVER_ADDED)
#define NET_EVENT_COAP_OBSERVER_REMOVED (_NET_COAP_IF_BASE | NET_EVENT_COAP_CMD_OBSERVER_REMOVED)

/* The information of NET_EVENT_COAP_SERVICE_STARTED and _STOPPED. */
struct net_event_coap_service {
	const struct coap_service *service;
};

/* The information of NET_EVENT_COAP_OBSERVER_ADDED and _REMOVED. */
struct net_event_coap_observer {
	struct coap_resource *resource;
	struct coap_observer *observer;
};

#ifdef __cplusplus
}
#endif

#endif
