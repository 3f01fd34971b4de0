/* wait_for_network() for Zephyr 4's network samples (net_sample_common.h): with the
 * connection manager, it waits for NET_EVENT_L4_CONNECTED. The monitor raises that
 * event when the interface becomes ready; asking it to raise the current state again
 * (conn_mgr_mon_resend_status) covers an interface that was ready before the wait. */
#include <zephyr/kernel.h>

#include "net_sample_common.h"

#if defined(CONFIG_NET_CONNECTION_MANAGER)
#include <zephyr/net/conn_mgr_monitor.h>
#include <zephyr/net/net_event.h>
#include <zephyr/net/net_mgmt.h>

static struct net_mgmt_event_callback l4_callback;
static K_SEM_DEFINE(network_ready, 0, 1);

static void on_l4_event(struct net_mgmt_event_callback *cb, uint32_t event,
			struct net_if *iface)
{
	ARG_UNUSED(cb);
	ARG_UNUSED(iface);
	if (event == NET_EVENT_L4_CONNECTED) {
		k_sem_give(&network_ready);
	}
}

void wait_for_network(void)
{
	net_mgmt_init_event_callback(&l4_callback, on_l4_event, NET_EVENT_L4_CONNECTED);
	net_mgmt_add_event_callback(&l4_callback);
	conn_mgr_mon_resend_status();
	printk("Waiting for network...\n");
	k_sem_take(&network_ready, K_FOREVER);
	net_mgmt_del_event_callback(&l4_callback);
	printk("Network connectivity established\n");
}
#endif /* CONFIG_NET_CONNECTION_MANAGER */
