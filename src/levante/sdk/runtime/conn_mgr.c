/* CONFIG_NET_CONNECTION_MANAGER: <zephyr/net/conn_mgr_monitor.h> over the kernel's
 * monitor (z_levante_conn_mgr), whose events reach callbacks on the net_mgmt thread. */
#include <zephyr/kernel.h>
#include <zephyr/net/conn_mgr_monitor.h>

#ifdef CONFIG_NET_CONNECTION_MANAGER
/* z_levante_conn_mgr's requests (the kernel's net_if_calls.py). */
enum { CONN_MGR_RESEND, CONN_MGR_IGNORE, CONN_MGR_WATCH, CONN_MGR_IS_IGNORED };

void conn_mgr_mon_resend_status(void)
{
	(void)z_levante_conn_mgr(CONN_MGR_RESEND);
}

/* Only the board's interface exists; another pointer names nothing to change. */
void conn_mgr_ignore_iface(struct net_if *iface)
{
	if (iface == net_if_get_default()) {
		(void)z_levante_conn_mgr(CONN_MGR_IGNORE);
	}
}

void conn_mgr_watch_iface(struct net_if *iface)
{
	if (iface == net_if_get_default()) {
		(void)z_levante_conn_mgr(CONN_MGR_WATCH);
	}
}

bool conn_mgr_is_iface_ignored(struct net_if *iface)
{
	return iface == net_if_get_default() && z_levante_conn_mgr(CONN_MGR_IS_IGNORED) == 1;
}
#endif
