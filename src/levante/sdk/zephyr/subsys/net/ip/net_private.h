/* The network stack's helpers Zephyr's networking samples use through
 * ${ZEPHYR_BASE}/subsys/net/ip: an address as text for a log line, and a packet's
 * bytes as a debug hexdump of the caller's log module. */
#ifndef LEVANTE_SUBSYS_NET_IP_NET_PRIVATE_H_
#define LEVANTE_SUBSYS_NET_IP_NET_PRIVATE_H_

#include <stddef.h>
#include <stdint.h>
#include <zephyr/logging/log.h>
#include <zephyr/net/net_ip.h>

/* The address's text in a buffer of the runtime's (the next calls overwrite it: use it
 * in one log line), "?" for a family other than AF_INET and AF_INET6. */
char *net_sprint_addr(sa_family_t af, const void *addr);

#define net_sprint_ipv4_addr(_addr) net_sprint_addr(AF_INET, _addr)
#define net_sprint_ipv6_addr(_addr) net_sprint_addr(AF_INET6, _addr)

/* The bytes at LOG_LEVEL_DBG of the caller's log module, titled `str` (a macro: it
 * logs in the module of the file that uses it). */
#define net_hexdump(str, packet, length)                                                    \
	do {                                                                                \
		if ((length) == 0U) {                                                       \
			LOG_DBG("%s zero-length packet", (str));                            \
		} else {                                                                    \
			LOG_HEXDUMP_DBG((packet), (length), (str));                         \
		}                                                                           \
	} while (0)

#endif
