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
#include <zephyr/sys/iterable_sections.h>
#include <zephyr/net/net_mgmt_codes.h>
#include <zephyr/net/net_event.h>

struct net_if;
struct net_mgmt_event_callback;

typedef void (*net_mgmt_event_handler_t)(struct net_mgmt_event_callback *cb,
					  uint32_t mgmt_event, struct net_if *iface);

struct net_mgmt_event_callback {
	sys_snode_t node;
	net_mgmt_event_handler_t handler;
	/* The event's information while the callback runs (CONFIG_NET_MGMT_EVENT_INFO). */
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

/* A handler defined at build time (NET_MGMT_REGISTER_EVENT_HANDLER): called on the
 * net_mgmt thread, before the callbacks added at run time, for each event its mask
 * matches, with the event's information (CONFIG_NET_MGMT_EVENT_INFO; else NULL, 0). */
typedef void (*net_mgmt_event_static_handler_t)(uint32_t mgmt_event, struct net_if *iface,
						void *info, size_t info_length,
						void *user_data);

struct net_mgmt_event_static_handler {
	uint32_t event_mask;
	net_mgmt_event_static_handler_t handler;
	void *user_data;
};

#define NET_MGMT_REGISTER_EVENT_HANDLER(_name, _event_mask, _func, _user_data)              \
	const STRUCT_SECTION_ITERABLE(net_mgmt_event_static_handler, _name) = {             \
		.event_mask = (_event_mask),                                                 \
		.handler = (_func),                                                          \
		.user_data = (void *)(_user_data),                                           \
	}

/* Raise an event (supervisor code: the C runtime's services raise theirs so): it is
 * queued behind the interface's own and handed to the matching handlers and callbacks on
 * the net_mgmt thread, with a copy of `info` (at most 32 bytes) under
 * CONFIG_NET_MGMT_EVENT_INFO. An event that cannot be queued is dropped, as Zephyr's. */
#ifdef CONFIG_NET_MGMT_EVENT
void net_mgmt_event_notify_with_info(uint32_t mgmt_event, struct net_if *iface,
				     const void *info, size_t length);
#else
/* Without CONFIG_NET_MGMT_EVENT nobody listens: nothing is raised (Zephyr's rule). */
static inline void net_mgmt_event_notify_with_info(uint32_t mgmt_event, struct net_if *iface,
						   const void *info, size_t length)
{
	(void)mgmt_event;
	(void)iface;
	(void)info;
	(void)length;
}
#endif

static inline void net_mgmt_event_notify(uint32_t mgmt_event, struct net_if *iface)
{
	net_mgmt_event_notify_with_info(mgmt_event, iface, NULL, 0);
}

#endif
