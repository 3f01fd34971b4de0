/* CONFIG_NET_IPV6: the interface's IPv6 addresses (net_if_ipv6_addr_add/_rm/_lookup), its
 * multicast groups (net_ipv6_mld_join/_leave) and net_sprint_addr, over the kernel's
 * stack (z_levante_net_if_ipv6_set).  The struct net_if_addr entries returned are this
 * runtime's copies: the stack owns the addresses, their DAD and lifetimes. */
#include <zephyr/kernel.h>
#include <zephyr/net/net_if.h>
#include <errno.h>
#include <string.h>

#if defined(CONFIG_NETWORKING) && defined(CONFIG_NET_IPV6)
#include <zephyr/net/mld.h>
#include "../zephyr/subsys/net/ip/net_private.h"

/* The requests of z_levante_net_if_ipv6_set (kernel/syscalls/net_if_calls.py). */
enum { IPV6_ADD, IPV6_REMOVE, IPV6_JOIN, IPV6_LEAVE, IPV6_STATE };

static struct net_if_addr entries[CONFIG_NET_IF_UNICAST_IPV6_ADDR_COUNT];
static K_MUTEX_DEFINE(entries_lock);

static struct net_if_addr *entry_of(const struct in6_addr *addr, bool claim)
{
	struct net_if_addr *free_entry = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(entries); i++) {
		if (!entries[i].is_used) {
			free_entry = free_entry == NULL ? &entries[i] : free_entry;
		} else if (memcmp(&entries[i].address.in6_addr, addr, sizeof(*addr)) == 0) {
			return &entries[i];
		}
	}
	if (!claim || free_entry == NULL) {
		return NULL;
	}
	memset(free_entry, 0, sizeof(*free_entry));
	free_entry->address.family = AF_INET6;
	memcpy(&free_entry->address.in6_addr, addr, sizeof(*addr));
	free_entry->is_used = true;
	return free_entry;
}

/* The entry for an address the stack has, in `state`; NULL (and the entry freed) when
 * the stack has it not. */
static struct net_if_addr *record(const struct in6_addr *addr, int state,
				  enum net_addr_type addr_type)
{
	k_mutex_lock(&entries_lock, K_FOREVER);
	struct net_if_addr *entry = entry_of(addr, state >= 0);

	if (entry != NULL && state < 0) {
		entry->is_used = false;
		entry = NULL;
	} else if (entry != NULL) {
		entry->addr_state = (enum net_addr_state)state;
		if (addr_type != NET_ADDR_ANY) {
			entry->addr_type = addr_type;
		}
	}
	k_mutex_unlock(&entries_lock);
	return entry;
}

struct net_if_addr *net_if_ipv6_addr_add(struct net_if *iface, struct in6_addr *addr,
					 enum net_addr_type addr_type, uint32_t vlifetime)
{
	ARG_UNUSED(iface);     /* the board's one interface */
	ARG_UNUSED(vlifetime); /* addresses added by hand do not expire (Zephyr: 0 = ever) */
	int state = z_levante_net_if_ipv6_set(IPV6_ADD, addr);

	/* One the stack could not take is not recorded: the table may be full there. */
	if (state < 0) {
		return NULL;
	}
	return record(addr, state, addr_type == NET_ADDR_ANY ? NET_ADDR_MANUAL : addr_type);
}

bool net_if_ipv6_addr_rm(struct net_if *iface, const struct in6_addr *addr)
{
	ARG_UNUSED(iface);
	bool removed = z_levante_net_if_ipv6_set(IPV6_REMOVE, addr) == 0;

	(void)record(addr, -1, NET_ADDR_ANY);
	return removed;
}

struct net_if_addr *net_if_ipv6_addr_lookup(const struct in6_addr *addr, struct net_if **iface)
{
	/* Asked each time: the stack may have dropped it (DAD) or given it (autoconf). */
	struct net_if_addr *entry = record(addr, z_levante_net_if_ipv6_set(IPV6_STATE, addr),
					   NET_ADDR_ANY);

	if (entry != NULL && entry->addr_type == NET_ADDR_ANY) {
		entry->addr_type = NET_ADDR_AUTOCONF; /* the stack's own */
	}
	if (entry != NULL && iface != NULL) {
		*iface = net_if_get_default();
	}
	return entry;
}

#ifdef CONFIG_NET_IPV6_MLD
int net_ipv6_mld_join(struct net_if *iface, const struct in6_addr *addr)
{
	ARG_UNUSED(iface);
	return z_levante_net_if_ipv6_set(IPV6_JOIN, addr);
}

int net_ipv6_mld_leave(struct net_if *iface, const struct in6_addr *addr)
{
	ARG_UNUSED(iface);
	return z_levante_net_if_ipv6_set(IPV6_LEAVE, addr);
}
#endif
#endif /* CONFIG_NETWORKING && CONFIG_NET_IPV6 */

#ifdef CONFIG_NETWORKING
char *net_sprint_addr(sa_family_t af, const void *addr)
{
	/* Two in turn: a log line may show a source and a destination. */
	static char texts[2][INET6_ADDRSTRLEN];
	static unsigned int next;
	char *text = texts[next++ % 2U];

	if (net_addr_ntop(af, addr, text, sizeof(texts[0])) == NULL) {
		strcpy(text, "?");
	}
	return text;
}
#endif
