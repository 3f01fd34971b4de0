/*
 * IP addresses, socket addresses and byte order for Levante's sockets and interface API:
 * Zephyr's names, values and layouts (AF_*, SOCK_*, IPPROTO_*, struct sockaddr_in /
 * sockaddr_in6 / sockaddr_storage, htons and friends, address types, and text conversion
 * with net_addr_ntop/pton).
 */
#ifndef ZEPHYR_INCLUDE_NET_NET_IP_H_
#define ZEPHYR_INCLUDE_NET_NET_IP_H_

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>
#include <zephyr/sys/byteorder.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PF_UNSPEC 0
#define PF_INET 1
#define PF_INET6 2
#define AF_UNSPEC PF_UNSPEC
#define AF_INET PF_INET
#define AF_INET6 PF_INET6

enum net_ip_protocol {
	IPPROTO_IP = 0,
	IPPROTO_ICMP = 1,
	IPPROTO_TCP = 6,
	IPPROTO_UDP = 17,
	IPPROTO_IPV6 = 41,
	IPPROTO_ICMPV6 = 58,
	IPPROTO_RAW = 255,
};

/* The secure protocols (IPPROTO_TLS_1_2, IPPROTO_DTLS_1_2, ...), enum net_ip_protocol_secure. */
#include <levante/socket_tls.h>

enum net_sock_type {
	SOCK_STREAM = 1,
	SOCK_DGRAM,
	SOCK_RAW,
};

typedef unsigned short int sa_family_t;
typedef size_t socklen_t;

/* Host and network order: the Cortex-M is little-endian, the network big-endian. */
#define ntohs(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define ntohl(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))
#define htons(x) ntohs(x)
#define htonl(x) ntohl(x)

struct in_addr {
	union {
		uint8_t s4_addr[4];
		uint16_t s4_addr16[2];
		uint32_t s4_addr32[1];
		uint32_t s_addr; /* in network order */
	};
};

struct in6_addr {
	union {
		uint8_t s6_addr[16];
		uint16_t s6_addr16[8];
		uint32_t s6_addr32[4];
	};
};

typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;

#define INADDR_ANY 0u
#define INADDR_BROADCAST 0xffffffffu
#define INADDR_LOOPBACK 0x7f000001u
#define INADDR_ANY_INIT { { { INADDR_ANY } } }
#define IN6ADDR_ANY_INIT { { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 } } }
#define IN6ADDR_LOOPBACK_INIT { { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } }
#define INET_ADDRSTRLEN 16
#define INET6_ADDRSTRLEN 46
#define NET_IPV4_ADDR_LEN sizeof("xxx.xxx.xxx.xxx")
#define NET_IPV6_ADDR_LEN sizeof("xxxx:xxxx:xxxx:xxxx:xxxx:xxxx:xxx.xxx.xxx.xxx")

struct sockaddr_in {
	sa_family_t sin_family;
	uint16_t sin_port; /* in network order */
	struct in_addr sin_addr;
};

struct sockaddr_in6 {
	sa_family_t sin6_family;
	uint16_t sin6_port;
	struct in6_addr sin6_addr;
	uint8_t sin6_scope_id;
};

/* Large enough for either address (as Zephyr's with IPv6 enabled). */
#define NET_SOCKADDR_MAX_SIZE (sizeof(struct sockaddr_in6))

struct sockaddr {
	sa_family_t sa_family;
	char data[NET_SOCKADDR_MAX_SIZE - sizeof(sa_family_t)];
};

struct sockaddr_storage {
	sa_family_t ss_family;
	char data[NET_SOCKADDR_MAX_SIZE - sizeof(sa_family_t)];
};

struct iovec {
	void *iov_base;
	size_t iov_len;
};

struct msghdr {
	void *msg_name;
	socklen_t msg_namelen;
	struct iovec *msg_iov;
	size_t msg_iovlen;
	void *msg_control;
	size_t msg_controllen;
	int msg_flags;
};

/* How an interface got an address (Zephyr's values). */
enum net_addr_type {
	NET_ADDR_ANY = 0,
	NET_ADDR_AUTOCONF,
	NET_ADDR_DHCP,
	NET_ADDR_MANUAL,
	NET_ADDR_OVERRIDABLE,
} __attribute__((__packed__));

/* Where an IPv6 address is in its life (RFC 4862, Zephyr's values): tentative until
 * Duplicate Address Detection passes, then preferred, then deprecated. */
enum net_addr_state {
	NET_ADDR_ANY_STATE = -1,
	NET_ADDR_TENTATIVE = 0,
	NET_ADDR_PREFERRED,
	NET_ADDR_DEPRECATED,
} __attribute__((__packed__));

/* The address at `src` as dotted decimal in `dst` (AF_INET only); NULL when it does
 * not fit or the family is another. */
char *net_addr_ntop(sa_family_t family, const void *src, char *dst, size_t size);

/* Dotted decimal `src` into the address at `dst` (AF_INET only): 0, or -EINVAL. */
int net_addr_pton(sa_family_t family, const char *src, void *dst);

static inline struct sockaddr_in *net_sin(const struct sockaddr *addr)
{
	return (struct sockaddr_in *)addr;
}

static inline struct sockaddr_in6 *net_sin6(const struct sockaddr *addr)
{
	return (struct sockaddr_in6 *)addr;
}

static inline bool net_ipv4_addr_cmp(const struct in_addr *a, const struct in_addr *b)
{
	return a->s_addr == b->s_addr;
}

static inline bool net_ipv6_addr_cmp(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(struct in6_addr)) == 0;
}

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_NET_NET_IP_H_ */
