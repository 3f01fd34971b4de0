/*
 * The network core: the stack's logging macros (NET_DBG, NET_INFO, NET_WARN, NET_ERR)
 * over the logging API, for code that logs as Zephyr's networking samples do. Levante's
 * network core is the kernel's stack; applications reach it through net_if.h, net_mgmt.h
 * and dhcpv4.h, which this header brings in.
 */
#ifndef ZEPHYR_INCLUDE_NET_NET_CORE_H_
#define ZEPHYR_INCLUDE_NET_NET_CORE_H_

#include <zephyr/logging/log.h>

#define NET_DBG(fmt, ...) LOG_DBG(fmt, ##__VA_ARGS__)
#define NET_INFO(fmt, ...) LOG_INF(fmt, ##__VA_ARGS__)
#define NET_WARN(fmt, ...) LOG_WRN(fmt, ##__VA_ARGS__)
#define NET_ERR(fmt, ...) LOG_ERR(fmt, ##__VA_ARGS__)

#include <zephyr/net/net_if.h>

#endif /* ZEPHYR_INCLUDE_NET_NET_CORE_H_ */
