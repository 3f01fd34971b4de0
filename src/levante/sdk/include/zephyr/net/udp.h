/* <zephyr/net/udp.h>: the UDP header (RFC 768) as Zephyr's struct net_udp_hdr lays it out.
 * Applications send and receive UDP through sockets; the stack (in the kernel) builds and
 * checks the headers, so Zephyr's net_pkt accessors (net_udp_get_hdr, net_udp_set_hdr)
 * are not in Levante: a call names the missing API at build time. */
#ifndef ZEPHYR_INCLUDE_NET_UDP_H_
#define ZEPHYR_INCLUDE_NET_UDP_H_

#include <stdint.h>
#include <zephyr/net/net_ip.h>

struct net_udp_hdr {
	uint16_t src_port; /* network byte order, as every field */
	uint16_t dst_port;
	uint16_t len;
	uint16_t chksum;
} __attribute__((__packed__));

#endif
