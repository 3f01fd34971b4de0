/* <zephyr/net/net_mgmt.h>: event callbacks (CONFIG_NET_MGMT_EVENT).
 *
 * As in Zephyr, callbacks run on the network management thread ("net_mgmt"), a
 * cooperative thread of the C runtime that waits in the kernel for the interface's
 * events and calls every callback whose mask covers the event, in the order they were
 * added. A callback must not block for long: the next event waits for it. */
#ifndef ZEPHYR_INCLUDE_NET_NET_MGMT_H_
#define ZEPHYR_INCLUDE_NET_NET_MGMT_H_

#include <stddef.h>
#include <stdint.h>
#include <zephyr/sys/slist.h>
#include <zephyr/net/net_mgmt_codes.h>
#include <zephyr/net/net_event.h>

struct net_if;
struct net_mgmt_event_callback;

typedef void (*net_mgmt_event_handler_t)(struct net_mgmt_event_callback *cb,
					  uint32_t mgmt_event, struct net_if *iface);

struct net_mgmt_event_callback {
	sys_snode_t node;
	net_mgmt_event_handler_t handler;
	/* Extra data of the event (none for the events Levante raises). */
	const void *info;
	size_t info_length;
	uint32_t event_mask; /* the events wanted (layer, layer code, command bits) */
};

static inline void net_mgmt_init_event_callback(struct net_mgmt_event_callback *cb,
						net_mgmt_event_handler_t handler,
						uint32_t mgmt_event_mask)
{
	cb->handler = handler;
	cb->event_mask = mgmt_event_mask;
	cb->info = NULL;
	cb->info_length = 0;
}

void net_mgmt_add_event_callback(struct net_mgmt_event_callback *cb);
void net_mgmt_del_event_callback(struct net_mgmt_event_callback *cb);

#endif
