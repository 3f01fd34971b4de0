/* <zephyr/net/conn_mgr_monitor.h>: the connection manager's monitor
 * (CONFIG_NET_CONNECTION_MANAGER).
 *
 * The kernel watches the interface and raises NET_EVENT_L4_CONNECTED and
 * NET_EVENT_L4_DISCONNECTED (and their IPv4 and IPv6 kinds) through net_mgmt when the
 * interface becomes ready (up, with a preferred global address, not ignored) or stops
 * being ready. Levante's boards have one interface, so the iface arguments name it. */
#ifndef ZEPHYR_INCLUDE_NET_CONN_MGR_MONITOR_H_
#define ZEPHYR_INCLUDE_NET_CONN_MGR_MONITOR_H_

#include <stdbool.h>
#include <zephyr/net/net_if.h>
#include <zephyr/net/net_event.h>

/* Raise the current L4 state again (connected or disconnected, each family). */
void conn_mgr_mon_resend_status(void);

/* An ignored interface never counts as connected; ignoring a connected one raises
 * NET_EVENT_L4_DISCONNECTED. */
void conn_mgr_ignore_iface(struct net_if *iface);
void conn_mgr_watch_iface(struct net_if *iface);
bool conn_mgr_is_iface_ignored(struct net_if *iface);

#endif
