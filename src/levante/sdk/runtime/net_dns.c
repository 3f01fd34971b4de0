/* CONFIG_DNS_RESOLVER's C side: getaddrinfo's names (z_levante_resolve_name) and
 * <zephyr/net/dns_resolve.h>'s dns_get_addr_info / dns_cancel_addr_info, both over the
 * kernel's resolver call z_levante_dns_resolve, which pends its caller until the
 * interface's resolver answers or the timeout ends. */
#include <zephyr/kernel.h>

#ifdef CONFIG_DNS_RESOLVER
#include <errno.h>
#include <string.h>
#include <zephyr/logging/log.h>
#include <zephyr/net/dns_resolve.h>
#include <zephyr/net/net_ip.h>

#ifdef CONFIG_NET_SOCKETS
#include <zephyr/net/socket.h>
#endif

#define DNS_NAME_MAX 255 /* RFC 1035 §2.3.4 */

#ifdef CONFIG_NET_SOCKETS
/* ---- getaddrinfo ------------------------------------------------------------------------ */

int z_levante_resolve_name(const char *host, uint16_t port,
			   const struct zsock_addrinfo *hints, struct zsock_addrinfo **res)
{
	int family = hints != NULL ? hints->ai_family : AF_UNSPEC;
	/* Zephyr gives each family's query CONFIG_NET_SOCKETS_DNS_TIMEOUT. */
	int32_t timeout_ms = CONFIG_NET_SOCKETS_DNS_TIMEOUT * (family == AF_UNSPEC ? 2 : 1);
	struct z_levante_dns_address found[2 * CONFIG_DNS_RESOLVER_AI_MAX_ENTRIES];
	int count = z_levante_dns_resolve(host, family, found, ARRAY_SIZE(found),
					  K_MSEC(timeout_ms));

	if (count < 0) {
		return count;
	}
	if (count == 0) {
		return DNS_EAI_NODATA;
	}
	struct zsock_addrinfo *last = NULL;

	*res = NULL;
	for (int index = 0; index < count; index++) {
		struct zsock_addrinfo *info = z_levante_addrinfo_new(
			found[index].family, found[index].address, port, hints);

		if (info == NULL) {
			zsock_freeaddrinfo(*res);
			*res = NULL;
			return DNS_EAI_MEMORY;
		}
		if (last == NULL) {
			*res = info;
		} else {
			last->ai_next = info;
		}
		last = info;
	}
	return 0;
}
#endif /* CONFIG_NET_SOCKETS */

/* ---- dns_get_addr_info ------------------------------------------------------------------ */

LOG_MODULE_REGISTER(net_dns_resolve, LOG_LEVEL_INF);

struct dns_query_slot {
	struct k_work work;
	bool in_use;
	bool cancelled;
	uint16_t id;
	int family;
	int32_t timeout_ms;
	dns_resolve_cb_t cb;
	void *user_data;
	char name[DNS_NAME_MAX + 1];
};

static struct dns_query_slot slots[CONFIG_DNS_NUM_CONCUR_QUERIES];
static struct k_spinlock slots_lock;
static uint16_t last_id;

static void give_address(struct dns_query_slot *slot, int family, const uint8_t *address)
{
	struct dns_addrinfo info;

	memset(&info, 0, sizeof(info));
	info.ai_family = (uint8_t)family;
	if (family == AF_INET) {
		net_sin(&info.ai_addr)->sin_family = AF_INET;
		memcpy(&net_sin(&info.ai_addr)->sin_addr, address, 4);
		info.ai_addrlen = sizeof(struct sockaddr_in);
	} else {
		net_sin6(&info.ai_addr)->sin6_family = AF_INET6;
		memcpy(&net_sin6(&info.ai_addr)->sin6_addr, address, 16);
		info.ai_addrlen = sizeof(struct sockaddr_in6);
	}
	slot->cb(DNS_EAI_INPROGRESS, &info, slot->user_data);
}

/* The slot is free again; true when its callback may still be called (not cancelled). */
static bool release(struct dns_query_slot *slot)
{
	k_spinlock_key_t key = k_spin_lock(&slots_lock);
	bool live = !slot->cancelled;

	slot->in_use = false;
	k_spin_unlock(&slots_lock, key);
	return live;
}

static void run_query(struct k_work *work)
{
	struct dns_query_slot *slot = CONTAINER_OF(work, struct dns_query_slot, work);
	struct z_levante_dns_address found[CONFIG_DNS_RESOLVER_AI_MAX_ENTRIES];
	k_timeout_t timeout = slot->timeout_ms == SYS_FOREVER_MS ? K_FOREVER
								   : K_MSEC(slot->timeout_ms);
	int count = slot->cancelled ? 0
		: z_levante_dns_resolve(slot->name, slot->family, found, ARRAY_SIZE(found),
					timeout);
	dns_resolve_cb_t cb = slot->cb;
	void *user_data = slot->user_data;

	if (slot->cancelled) {
		release(slot);
		return;
	}
	if (count < 0) {
		/* No answer in time is Zephyr's "cancelled by the timeout". */
		if (release(slot)) {
			cb(count == DNS_EAI_AGAIN ? DNS_EAI_CANCELED : count, NULL, user_data);
		}
		return;
	}
	for (int index = 0; index < count && !slot->cancelled; index++) {
		give_address(slot, found[index].family, found[index].address);
	}
	if (release(slot)) {
		cb(count > 0 ? DNS_EAI_ALLDONE : DNS_EAI_NODATA, NULL, user_data);
	}
}

static size_t bounded_length(const char *text, size_t limit)
{
	size_t length = 0;

	while (length < limit && text[length] != '\0') {
		length++;
	}
	return length;
}

static bool is_mdns_name(const char *name)
{
	static const char suffix[] = ".local";
	size_t length = strlen(name);

	while (length > 0 && name[length - 1] == '.') {
		length--; /* a fully qualified name's root */
	}
	if (length < sizeof(suffix) - 1) {
		return false;
	}
	for (size_t index = 0; index < sizeof(suffix) - 1; index++) {
		char letter = name[length - (sizeof(suffix) - 1) + index];

		if ((letter >= 'A' && letter <= 'Z' ? letter + 32 : letter) != suffix[index]) {
			return false;
		}
	}
	return true;
}

/* A numeric address is answered at once, without a query, as Zephyr's resolver does. */
static bool answer_numeric(const char *query, enum dns_query_type type, dns_resolve_cb_t cb,
			   void *user_data)
{
	struct dns_query_slot once = { .cb = cb, .user_data = user_data };
	uint8_t address[16];
	int family = type == DNS_QUERY_TYPE_A ? AF_INET : AF_INET6;

	if (net_addr_pton(family, query, address) != 0) {
		return false;
	}
	give_address(&once, family, address);
	cb(DNS_EAI_ALLDONE, NULL, user_data);
	return true;
}

int dns_get_addr_info(const char *query, enum dns_query_type type, uint16_t *dns_id,
		      dns_resolve_cb_t cb, void *user_data, int32_t timeout)
{
	if (query == NULL || cb == NULL || bounded_length(query, DNS_NAME_MAX + 1) > DNS_NAME_MAX ||
	    (type != DNS_QUERY_TYPE_A && type != DNS_QUERY_TYPE_AAAA) ||
	    (timeout < 0 && timeout != SYS_FOREVER_MS)) {
		return -EINVAL;
	}
	if (answer_numeric(query, type, cb, user_data)) {
		return 0;
	}
	if (IS_ENABLED(CONFIG_MDNS_RESOLVER) && is_mdns_name(query)) {
		LOG_WRN("%s: mDNS (RFC 6762) is not supported by Levante", query);
		return -ENOTSUP;
	}
	struct dns_query_slot *slot = NULL;
	k_spinlock_key_t key = k_spin_lock(&slots_lock);

	for (size_t index = 0; index < ARRAY_SIZE(slots); index++) {
		if (!slots[index].in_use) {
			slot = &slots[index];
			break;
		}
	}
	if (slot == NULL) {
		k_spin_unlock(&slots_lock, key);
		return -EAGAIN;
	}
	slot->in_use = true;
	slot->cancelled = false;
	if (++last_id == 0) {
		last_id = 1; /* 0 names no query */
	}
	slot->id = last_id;
	k_spin_unlock(&slots_lock, key);

	slot->family = type == DNS_QUERY_TYPE_A ? AF_INET : AF_INET6;
	slot->timeout_ms = timeout;
	slot->cb = cb;
	slot->user_data = user_data;
	strcpy(slot->name, query);
	if (dns_id != NULL) {
		*dns_id = slot->id;
	}
	k_work_init(&slot->work, run_query);
	k_work_submit(&slot->work);
	return 0;
}

int dns_cancel_addr_info(uint16_t dns_id)
{
	struct dns_query_slot *found = NULL;
	k_spinlock_key_t key = k_spin_lock(&slots_lock);

	for (size_t index = 0; index < ARRAY_SIZE(slots); index++) {
		if (slots[index].in_use && !slots[index].cancelled && slots[index].id == dns_id) {
			found = &slots[index];
			found->cancelled = true;
			break;
		}
	}
	k_spin_unlock(&slots_lock, key);
	if (found == NULL) {
		return -ENOENT;
	}
	found->cb(DNS_EAI_CANCELED, NULL, found->user_data);
	return 0;
}

#endif /* CONFIG_DNS_RESOLVER */
