/* <zephyr/net/net_ip.h> as far as the interface API needs it: IPv4 addresses, address
 * families and types, byte order, and text conversion (net_addr_ntop/pton). */
#ifndef ZEPHYR_INCLUDE_NET_NET_IP_H_
#define ZEPHYR_INCLUDE_NET_NET_IP_H_

#include <stddef.h>
#include <stdint.h>
#include <zephyr/sys/byteorder.h>

#define AF_UNSPEC 0
#define AF_INET 1
#define AF_INET6 2

typedef unsigned short int sa_family_t;

/* An IPv4 address in network byte order. */
struct in_addr {
	union {
		uint8_t s4_addr[4];
		uint16_t s4_addr16[2];
		uint32_t s4_addr32[1];
		uint32_t s_addr;
	};
};

/* "255.255.255.255" and its NUL. */
#define NET_IPV4_ADDR_LEN sizeof("xxx.xxx.xxx.xxx")
#define INET_ADDRSTRLEN NET_IPV4_ADDR_LEN

/* How an interface got an address (Zephyr's values). */
enum net_addr_type {
	NET_ADDR_ANY = 0,
	NET_ADDR_AUTOCONF,
	NET_ADDR_DHCP,
	NET_ADDR_MANUAL,
	NET_ADDR_OVERRIDABLE,
} __attribute__((__packed__));

#ifndef htons
#define htons(x) sys_cpu_to_be16(x)
#define ntohs(x) sys_be16_to_cpu(x)
#define htonl(x) sys_cpu_to_be32(x)
#define ntohl(x) sys_be32_to_cpu(x)
#endif

/* The address at `src` as dotted decimal in `dst` (AF_INET only); NULL when it does
 * not fit or the family is another. */
char *net_addr_ntop(sa_family_t family, const void *src, char *dst, size_t size);

/* Dotted decimal `src` into the address at `dst` (AF_INET only): 0, or -EINVAL. */
int net_addr_pton(sa_family_t family, const char *src, void *dst);

#endif
