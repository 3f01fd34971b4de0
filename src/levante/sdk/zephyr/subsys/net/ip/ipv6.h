/* The IPv6 layer's functions applications reach through ${ZEPHYR_BASE}/subsys/net/ip
 * (Zephyr 3.7's samples add that folder): the MLD calls, which Zephyr 4 declares in
 * <zephyr/net/mld.h>. */
#ifndef LEVANTE_SUBSYS_NET_IP_IPV6_H_
#define LEVANTE_SUBSYS_NET_IP_IPV6_H_

#include <zephyr/net/mld.h>

#endif
