/* <zephyr/net/net_context.h>: Zephyr's internal endpoint API is not Levante's (its
 * applications use the socket API); the address types it brings are here. */
#ifndef ZEPHYR_INCLUDE_NET_NET_CONTEXT_H_
#define ZEPHYR_INCLUDE_NET_NET_CONTEXT_H_

#include <zephyr/net/net_ip.h>
#include <zephyr/net/net_if.h>

#endif
