/* <zephyr/net/mld.h>: joining and leaving IPv6 multicast groups with MLD (RFC 3810).
 * Kernel functions, as in Zephyr: a user thread calling one is killed. */
#ifndef ZEPHYR_INCLUDE_NET_MLD_H_
#define ZEPHYR_INCLUDE_NET_MLD_H_

#include <errno.h>
#include <zephyr/net/net_if.h>
#include <zephyr/net/net_ip.h>

#if defined(CONFIG_NET_IPV6_MLD)
/* Join the group `addr` on the interface: the stack receives what is sent to it and
 * MLD reports the change (RFC 3810). 0, -EALREADY when joined, -ENOMEM when the
 * interface's groups (CONFIG_NET_IF_MCAST_IPV6_ADDR_COUNT) are all taken, -EINVAL for
 * an address that is not a multicast one. */
int net_ipv6_mld_join(struct net_if *iface, const struct in6_addr *addr);
/* Leave it: 0, or -ENOENT when it was not joined. */
int net_ipv6_mld_leave(struct net_if *iface, const struct in6_addr *addr);
#else
/* Without MLD, as Zephyr's: not supported. */
static inline int net_ipv6_mld_join(struct net_if *iface, const struct in6_addr *addr)
{
	(void)iface;
	(void)addr;
	return -ENOTSUP;
}

static inline int net_ipv6_mld_leave(struct net_if *iface, const struct in6_addr *addr)
{
	(void)iface;
	(void)addr;
	return -ENOTSUP;
}
#endif


#endif
