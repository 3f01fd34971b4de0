/* wait_for_network() for Zephyr 4's network samples (net_sample_common.h). */
#include <zephyr/kernel.h>
#include "net_sample_common.h"

#if defined(CONFIG_NET_CONNECTION_MANAGER)
#include <zephyr/net/conn_mgr_monitor.h>
#include <zephyr/net/net_event.h>
#include <zephyr/net/net_mgmt.h>
#include <zephyr/sys/printk.h>

static struct net_mgmt_event_callback connected_callback;
static K_SEM_DEFINE(connected, 0, 1);

static void on_l4_event(struct net_mgmt_event_callback *cb, uint32_t event, struct net_if *iface)
{
	ARG_UNUSED(cb);
	ARG_UNUSED(iface);
	if (event == NET_EVENT_L4_CONNECTED) {
		k_sem_give(&connected);
	}
}

void wait_for_network(void)
{
	net_mgmt_init_event_callback(&connected_callback, on_l4_event,
				     NET_EVENT_L4_CONNECTED | NET_EVENT_L4_DISCONNECTED);
	net_mgmt_add_event_callback(&connected_callback);
	/* A connection made before the callback was added is told again. */
	conn_mgr_mon_resend_status();
	printk("Waiting for network...\n");
	k_sem_take(&connected, K_FOREVER);
	net_mgmt_del_event_callback(&connected_callback);
}
#endif
