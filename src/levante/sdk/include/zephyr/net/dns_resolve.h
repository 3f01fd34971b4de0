/* <zephyr/net/dns_resolve.h>: the DNS resolver's status codes and its asynchronous
 * API on the default resolver (dns_get_addr_info, dns_cancel_addr_info), with
 * CONFIG_DNS_RESOLVER.
 *
 * Levante's resolver is the interface's, in the kernel; a query runs on the system work
 * queue, which waits in the kernel (z_levante_dns_resolve) and then calls the callback:
 * DNS_EAI_INPROGRESS once per address, then DNS_EAI_ALLDONE; or one error
 * (DNS_EAI_CANCELED when the timeout ended first or the query was cancelled). */
#ifndef ZEPHYR_INCLUDE_NET_DNS_RESOLVE_H_
#define ZEPHYR_INCLUDE_NET_DNS_RESOLVE_H_

#include <stdint.h>
#include <zephyr/net/net_ip.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef DNS_MAX_NAME_SIZE
#define DNS_MAX_NAME_SIZE 20
#endif

enum dns_query_type {
	DNS_QUERY_TYPE_A = 1,
	DNS_QUERY_TYPE_AAAA = 28,
};

enum dns_resolve_status {
	DNS_EAI_BADFLAGS = -1,
	DNS_EAI_NONAME = -2,
	DNS_EAI_AGAIN = -3,
	DNS_EAI_FAIL = -4,
	DNS_EAI_NODATA = -5,
	DNS_EAI_FAMILY = -6,
	DNS_EAI_SOCKTYPE = -7,
	DNS_EAI_SERVICE = -8,
	DNS_EAI_ADDRFAMILY = -9,
	DNS_EAI_MEMORY = -10,
	DNS_EAI_SYSTEM = -11,
	DNS_EAI_OVERFLOW = -12,
	DNS_EAI_INPROGRESS = -100,
	DNS_EAI_CANCELED = -101,
	DNS_EAI_NOTCANCELED = -102,
	DNS_EAI_ALLDONE = -103,
	DNS_EAI_IDN_ENCODE = -105,
};

/* One address of a name, as the callback gets it. */
struct dns_addrinfo {
	struct sockaddr ai_addr;
	socklen_t ai_addrlen;
	uint8_t ai_family;
	char ai_canonname[DNS_MAX_NAME_SIZE + 1];
};

typedef void (*dns_resolve_cb_t)(enum dns_resolve_status status, struct dns_addrinfo *info,
				 void *user_data);

/* What the kernel's resolver call writes per address (z_levante_dns_resolve). */
struct z_levante_dns_address {
	int32_t family; /* AF_INET or AF_INET6 */
	uint8_t address[16]; /* network order; an IPv4 address in the first 4 bytes */
};

#ifdef CONFIG_DNS_RESOLVER
/*
 * Resolve `query` (A or AAAA) in the background; `cb` is called from the system work
 * queue. `timeout` is in milliseconds (SYS_FOREVER_MS: until the resolver gives up).
 * 0, with *dns_id (when not NULL) naming the query for dns_cancel_addr_info; -EINVAL
 * for a bad argument, -EAGAIN when DNS_NUM_CONCUR_QUERIES queries are under way,
 * -ENOTSUP for a .local name with CONFIG_MDNS_RESOLVER (Levante has no mDNS).
 */
int dns_get_addr_info(const char *query, enum dns_query_type type, uint16_t *dns_id,
		      dns_resolve_cb_t cb, void *user_data, int32_t timeout);

/* Cancel query `dns_id`: its callback gets DNS_EAI_CANCELED now and nothing after;
 * -ENOENT when no such query is under way. */
int dns_cancel_addr_info(uint16_t dns_id);
#endif

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_NET_DNS_RESOLVE_H_ */
