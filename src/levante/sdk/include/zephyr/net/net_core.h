/* <zephyr/net/net_core.h>: Levante's network core is the kernel's stack; applications
 * reach it through net_if.h, net_mgmt.h and dhcpv4.h, which this header brings in. */
#ifndef ZEPHYR_INCLUDE_NET_NET_CORE_H_
#define ZEPHYR_INCLUDE_NET_NET_CORE_H_

#include <zephyr/net/net_if.h>

#endif
