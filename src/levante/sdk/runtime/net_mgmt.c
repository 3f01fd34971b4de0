/* CONFIG_NET_MGMT_EVENT: the network management thread ("net_mgmt") and its callback
 * list, and the DHCPv4 client's C API (dhcpv4.h).
 *
 * The thread waits in the kernel (z_levante_net_mgmt_wait pends it) until the
 * interface raises an event, refreshes struct net_if, and calls each callback whose
 * mask matches, in the order they were added, as Zephyr's net_mgmt thread does; after
 * NET_EVENT_IPV4_DHCP_BOUND it also calls the DHCPv4 option callbacks whose option the
 * ACK carried.  The runtime's own services raise events (net_mgmt_event_notify_with_info)
 * through the kernel's queue too, so that one thread hands out every event in order;
 * NET_MGMT_REGISTER_EVENT_HANDLER's handlers are called before the callbacks. */
#include <zephyr/kernel.h>
#include <zephyr/net/net_if.h>
#include <zephyr/net/net_mgmt.h>
#include <zephyr/net/dhcpv4.h>
#include <zephyr/logging/log.h>
#include <errno.h>

#ifdef CONFIG_NET_LOG
LOG_MODULE_REGISTER(net_mgmt, LOG_LEVEL_INF);
#endif

void z_levante_net_if_refresh(void);

#ifdef CONFIG_NET_DHCPV4
static sys_slist_t option_callbacks;

void net_dhcpv4_start(struct net_if *iface)
{
	ARG_UNUSED(iface);
	(void)z_levante_net_dhcpv4_start();
}

void net_dhcpv4_stop(struct net_if *iface)
{
	ARG_UNUSED(iface);
	(void)z_levante_net_dhcpv4_stop();
}

void net_dhcpv4_restart(struct net_if *iface)
{
	net_dhcpv4_stop(iface);
	net_dhcpv4_start(iface);
}

const char *net_dhcpv4_state_name(enum net_dhcpv4_state state)
{
	static const char *const names[] = { "disabled", "init", "selecting", "requesting",
					     "renewing", "rebinding", "bound", "declined" };

	return (size_t)state < ARRAY_SIZE(names) ? names[state] : "<unknown>";
}

int net_dhcpv4_add_option_callback(struct net_dhcpv4_option_callback *cb)
{
	if (cb == NULL || cb->handler == NULL) {
		return -EINVAL;
	}
	int result = z_levante_net_dhcpv4_request_option(cb->option);

	if (result == 0) {
		sys_slist_find_and_remove(&option_callbacks, &cb->node);
		sys_slist_append(&option_callbacks, &cb->node);
	}
	return result;
}

int net_dhcpv4_remove_option_callback(struct net_dhcpv4_option_callback *cb)
{
	if (cb == NULL) {
		return -EINVAL;
	}
	return sys_slist_find_and_remove(&option_callbacks, &cb->node) ? 0 : -EINVAL;
}

static void run_option_callbacks(struct net_if *iface)
{
	struct net_dhcpv4_option_callback *cb, *next;

	SYS_SLIST_FOR_EACH_CONTAINER_SAFE(&option_callbacks, cb, next, node) {
		int length = z_levante_net_dhcpv4_option(cb->option, cb->data, cb->max_length);

		if (length >= 0) {
			size_t given = (size_t)length < cb->max_length ? (size_t)length
								       : cb->max_length;

			cb->handler(cb, given, NET_DHCPV4_MSG_TYPE_ACK, iface);
		}
	}
}
#endif /* CONFIG_NET_DHCPV4 */

#ifdef CONFIG_NET_MGMT_EVENT
static sys_slist_t event_callbacks;
K_MUTEX_DEFINE(event_callbacks_lock);

void net_mgmt_add_event_callback(struct net_mgmt_event_callback *cb)
{
	k_mutex_lock(&event_callbacks_lock, K_FOREVER);
	sys_slist_find_and_remove(&event_callbacks, &cb->node);
	sys_slist_append(&event_callbacks, &cb->node);
	k_mutex_unlock(&event_callbacks_lock);
}

void net_mgmt_del_event_callback(struct net_mgmt_event_callback *cb)
{
	k_mutex_lock(&event_callbacks_lock, K_FOREVER);
	sys_slist_find_and_remove(&event_callbacks, &cb->node);
	k_mutex_unlock(&event_callbacks_lock);
}

/* Zephyr's rule: the layer and layer code must be the callback's, and when both have
 * command bits, they must share one. */
static bool wants(const struct net_mgmt_event_callback *cb, uint32_t event)
{
	uint32_t mask = cb->event_mask;
	uint32_t command = event & NET_MGMT_COMMAND_MASK;
	uint32_t wanted = mask & NET_MGMT_COMMAND_MASK;

	if ((event & NET_MGMT_LAYER_MASK) != (mask & NET_MGMT_LAYER_MASK) ||
	    (event & NET_MGMT_LAYER_CODE_MASK) != (mask & NET_MGMT_LAYER_CODE_MASK)) {
		return false;
	}
	return command == 0 || wanted == 0 || (command & wanted) != 0;
}

void net_mgmt_event_notify_with_info(uint32_t mgmt_event, struct net_if *iface,
				     const void *info, size_t length)
{
	ARG_UNUSED(iface); /* Levante's device has one interface */
#ifndef CONFIG_NET_MGMT_EVENT_INFO
	info = NULL;
	length = 0;
#endif
	if (z_levante_net_mgmt_raise(mgmt_event, info, length) != 0) {
#ifdef CONFIG_NET_LOG
		LOG_WRN("event 0x%08x dropped", (unsigned int)mgmt_event);
#endif
	}
}

static void dispatch(uint32_t event, void *info, size_t info_length)
{
	/* An event of an interface is given it; the others (CoAP's, ...) none. */
	struct net_if *iface = (event & NET_MGMT_IFACE_BIT) != 0U ? net_if_get_default() : NULL;
	struct net_mgmt_event_callback *cb, *next;

#ifdef CONFIG_NET_LOG
	LOG_INF("event 0x%08x", (unsigned int)event);
#endif
	STRUCT_SECTION_FOREACH(net_mgmt_event_static_handler, handler) {
		struct net_mgmt_event_callback mask = { .event_mask = handler->event_mask };

		if (wants(&mask, event)) {
			handler->handler(event, iface, info, info_length, handler->user_data);
		}
	}
	k_mutex_lock(&event_callbacks_lock, K_FOREVER);
	SYS_SLIST_FOR_EACH_CONTAINER_SAFE(&event_callbacks, cb, next, node) {
		if (wants(cb, event)) {
			cb->info = info;
			cb->info_length = info_length;
			cb->handler(cb, event, iface);
			cb->info = NULL;
			cb->info_length = 0;
		}
	}
	k_mutex_unlock(&event_callbacks_lock);
#ifdef CONFIG_NET_DHCPV4
	if (event == NET_EVENT_IPV4_DHCP_BOUND) {
		run_option_callbacks(iface);
	}
#endif
}

/* The next event and its information (none without CONFIG_NET_MGMT_EVENT_INFO). */
static int take(uint32_t *event, void *info, size_t size, size_t *length)
{
#ifdef CONFIG_NET_MGMT_EVENT_INFO
	return z_levante_net_mgmt_take_info(event, info, size, length);
#else
	ARG_UNUSED(info);
	ARG_UNUSED(size);
	*length = 0;
	return z_levante_net_mgmt_take(event);
#endif
}

static void net_mgmt_thread(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (;;) {
		/* Aligned for the pointers the information holds. */
		static uint64_t info[LV_NET_EVENT_INFO_MAX / sizeof(uint64_t)];
		uint32_t event;
		size_t length;

		if (z_levante_net_mgmt_wait(K_FOREVER) != 0) {
			continue;
		}
		while (take(&event, info, sizeof(info), &length) == 0) {
			dispatch(event, length > 0U ? info : NULL, length);
		}
	}
}

/* Zephyr's choice: the least urgent cooperative priority, so a callback is never
 * preempted by application threads. */
K_THREAD_DEFINE(net_mgmt, CONFIG_NET_MGMT_EVENT_STACK_SIZE, net_mgmt_thread, NULL, NULL,
		NULL, K_PRIO_COOP(CONFIG_NUM_COOP_PRIORITIES - 1), 0, 0);
#endif /* CONFIG_NET_MGMT_EVENT */
