/* Names through the DNS resolver, against a peer's dnsmasq: getaddrinfo for A, AAAA and
 * both, NXDOMAIN, a silent server (EAI_AGAIN after CONFIG_NET_SOCKETS_DNS_TIMEOUT),
 * numeric hosts that never reach the resolver; dns_get_addr_info's callbacks and
 * cancellation; and the resolver call's refusals: bad family, count or name, and user
 * pointers that are not the caller's. */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/dns_resolve.h>
#include <zephyr/net/socket.h>
#include <zephyr/ztest.h>

static char kernel_only[64]; /* kernel memory: no user thread's */

static void assert_ipv4(const struct addrinfo *info, const char *text, uint16_t port)
{
	struct in_addr expected;

	zassert_not_null(info);
	zassert_equal(info->ai_family, AF_INET);
	zassert_equal(inet_pton(AF_INET, text, &expected), 1);
	zassert_mem_equal(&net_sin(info->ai_addr)->sin_addr, &expected, 4);
	zassert_equal(ntohs(net_sin(info->ai_addr)->sin_port), port);
	zassert_equal(info->ai_addrlen, sizeof(struct sockaddr_in));
}

static void assert_ipv6(const struct addrinfo *info, const char *text)
{
	struct in6_addr expected;

	zassert_not_null(info);
	zassert_equal(info->ai_family, AF_INET6);
	zassert_equal(inet_pton(AF_INET6, text, &expected), 1);
	zassert_mem_equal(&net_sin6(info->ai_addr)->sin6_addr, &expected, 16);
	zassert_equal(info->ai_addrlen, sizeof(struct sockaddr_in6));
}

static void resolves_a_names(void)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *result = NULL;

	zassert_equal(getaddrinfo("device.test", "5683", &hints, &result), 0);
	assert_ipv4(result, "192.0.2.77", 5683);
	zassert_equal(result->ai_socktype, SOCK_DGRAM);
	zassert_equal(result->ai_protocol, IPPROTO_UDP);
	zassert_is_null(result->ai_next);
	freeaddrinfo(result);
}

ZTEST(dns_names, test_a_record)
{
	resolves_a_names();
}

ZTEST(dns_names, test_aaaa_record)
{
	struct addrinfo hints = { .ai_family = AF_INET6 };
	struct addrinfo *result = NULL;

	zassert_equal(getaddrinfo("dual.test", NULL, &hints, &result), 0);
	assert_ipv6(result, "2001:db8::79");
	zassert_equal(result->ai_socktype, SOCK_STREAM);
	zassert_is_null(result->ai_next);
	freeaddrinfo(result);
}

/* AF_UNSPEC asks A first, then AAAA, as Zephyr's getaddrinfo does. */
ZTEST(dns_names, test_unspec_gives_both_families_ipv4_first)
{
	struct addrinfo *result = NULL;

	zassert_equal(getaddrinfo("dual.test", "80", NULL, &result), 0);
	assert_ipv4(result, "192.0.2.79", 80);
	assert_ipv6(result->ai_next, "2001:db8::79");
	zassert_is_null(result->ai_next->ai_next);
	freeaddrinfo(result);
	/* A name with an AAAA record only: the A query's "no data" does not matter. */
	zassert_equal(getaddrinfo("v6.test", "80", NULL, &result), 0);
	assert_ipv6(result, "2001:db8::78");
	zassert_is_null(result->ai_next);
	freeaddrinfo(result);
}

ZTEST(dns_names, test_unknown_name_is_noname)
{
	struct addrinfo *result = NULL;

	zassert_equal(getaddrinfo("nothing.test", "80", NULL, &result), DNS_EAI_NONAME);
	zassert_equal(strcmp(gai_strerror(DNS_EAI_NONAME), "NAME or SERVICE is unknown"), 0);
}

ZTEST(dns_names, test_silent_server_is_again_after_the_timeout)
{
	struct addrinfo hints = { .ai_family = AF_INET };
	struct addrinfo *result = NULL;
	int64_t start = k_uptime_get();

	zassert_equal(getaddrinfo("silent.test", "80", &hints, &result), DNS_EAI_AGAIN);
	zassert_true(k_uptime_get() - start >= CONFIG_NET_SOCKETS_DNS_TIMEOUT);
	/* The abandoned query gave its place back: the next name resolves. */
	resolves_a_names();
}

ZTEST(dns_names, test_numeric_hosts_and_flags)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST };
	struct addrinfo *result = NULL;

	zassert_equal(getaddrinfo("198.51.100.7", "7", &hints, &result), 0);
	assert_ipv4(result, "198.51.100.7", 7);
	freeaddrinfo(result);
	zassert_equal(getaddrinfo("device.test", "7", &hints, &result), DNS_EAI_FAIL);
	hints.ai_flags = AI_PASSIVE;
	zassert_equal(getaddrinfo(NULL, "7", &hints, &result), 0);
	assert_ipv4(result, "0.0.0.0", 7);
	freeaddrinfo(result);
	zassert_equal(getaddrinfo("device.test", "http", NULL, &result), DNS_EAI_NONAME);
}

/* ---- dns_get_addr_info ------------------------------------------------------------------ */

static K_SEM_DEFINE(callback_done, 0, 1);
static int callback_statuses[8];
static int callback_count;
static struct dns_addrinfo callback_info;

static void record_callback(enum dns_resolve_status status, struct dns_addrinfo *info,
			    void *user_data)
{
	zassert_equal_ptr(user_data, &callback_count);
	if (callback_count < (int)ARRAY_SIZE(callback_statuses)) {
		callback_statuses[callback_count] = status;
	}
	callback_count++;
	if (info != NULL) {
		callback_info = *info;
	}
	if (status != DNS_EAI_INPROGRESS) {
		k_sem_give(&callback_done);
	}
}

static void reset_callbacks(void)
{
	callback_count = 0;
	memset(callback_statuses, 0, sizeof(callback_statuses));
	k_sem_reset(&callback_done);
}

ZTEST(dns_names, test_dns_get_addr_info_calls_back_per_address)
{
	uint16_t id = 0;

	reset_callbacks();
	zassert_equal(dns_get_addr_info("device.test", DNS_QUERY_TYPE_A, &id, record_callback,
					&callback_count, 2000), 0);
	zassert_not_equal(id, 0);
	zassert_equal(k_sem_take(&callback_done, K_SECONDS(3)), 0);
	zassert_equal(callback_count, 2);
	zassert_equal(callback_statuses[0], DNS_EAI_INPROGRESS);
	zassert_equal(callback_statuses[1], DNS_EAI_ALLDONE);
	zassert_equal(callback_info.ai_family, AF_INET);
	zassert_equal(net_sin(&callback_info.ai_addr)->sin_addr.s4_addr[3], 77);

	reset_callbacks();
	zassert_equal(dns_get_addr_info("nothing.test", DNS_QUERY_TYPE_AAAA, NULL,
					record_callback, &callback_count, 2000), 0);
	zassert_equal(k_sem_take(&callback_done, K_SECONDS(3)), 0);
	zassert_equal(callback_count, 1);
	zassert_equal(callback_statuses[0], DNS_EAI_NONAME);
}

ZTEST(dns_names, test_cancel_calls_back_once_with_canceled)
{
	uint16_t id = 0;

	reset_callbacks();
	zassert_equal(dns_get_addr_info("silent.test", DNS_QUERY_TYPE_A, &id, record_callback,
					&callback_count, 1500), 0);
	k_msleep(100); /* the work queue is waiting in the kernel */
	zassert_equal(dns_cancel_addr_info(id), 0);
	zassert_equal(callback_count, 1);
	zassert_equal(callback_statuses[0], DNS_EAI_CANCELED);
	zassert_equal(dns_cancel_addr_info(id), -ENOENT);
	k_msleep(2000); /* past the query's timeout: nothing more is called */
	zassert_equal(callback_count, 1);
	zassert_equal(dns_cancel_addr_info(0x7777), -ENOENT);
}

ZTEST(dns_names, test_dns_get_addr_info_refusals)
{
	reset_callbacks();
	zassert_equal(dns_get_addr_info(NULL, DNS_QUERY_TYPE_A, NULL, record_callback, NULL,
					100), -EINVAL);
	zassert_equal(dns_get_addr_info("device.test", 5, NULL, record_callback, NULL, 100),
		      -EINVAL);
	/* Levante has no mDNS: a .local name is refused, not sent to the unicast server. */
	zassert_equal(dns_get_addr_info("zephyr.local", DNS_QUERY_TYPE_A, NULL,
					record_callback, NULL, 100), -ENOTSUP);
	/* A numeric address is answered at once. */
	zassert_equal(dns_get_addr_info("2001:db8::5", DNS_QUERY_TYPE_AAAA, NULL,
					record_callback, &callback_count, 100), 0);
	zassert_equal(callback_count, 2);
	zassert_equal(callback_statuses[1], DNS_EAI_ALLDONE);
	zassert_equal(callback_info.ai_family, AF_INET6);
}

/* ---- the resolver call's refusals ---------------------------------------------------------- */

ZTEST_BMEM static char long_name[300];

static void refuses_bad_arguments(void)
{
	struct z_levante_dns_address found[2];

	zassert_equal(z_levante_dns_resolve("device.test", 7, found, 2, K_SECONDS(1)),
		      DNS_EAI_ADDRFAMILY);
	zassert_equal(z_levante_dns_resolve("device.test", AF_INET, found, 0, K_SECONDS(1)),
		      DNS_EAI_OVERFLOW);
	zassert_equal(z_levante_dns_resolve("device.test", AF_INET, found, 0x7fffffff,
					    K_SECONDS(1)), DNS_EAI_OVERFLOW);
	memset(long_name, 'a', sizeof(long_name) - 1);
	zassert_equal(z_levante_dns_resolve(long_name, AF_INET, found, 2, K_SECONDS(1)),
		      DNS_EAI_NONAME);
	/* More addresses than fit: as many as fit. */
	zassert_equal(z_levante_dns_resolve("dual.test", AF_UNSPEC, found, 1, K_SECONDS(2)), 1);
	zassert_equal(found[0].family, AF_INET);
}

ZTEST(dns_names, test_resolver_call_refusals)
{
	refuses_bad_arguments();
}

ZTEST_USER(dns_names, test_user_resolver_call_refusals)
{
	refuses_bad_arguments();
}

ZTEST_USER(dns_names, test_user_resolves_names)
{
	struct z_levante_dns_address found[2];

	zassert_equal(z_levante_dns_resolve("dual.test", AF_UNSPEC, found, 2, K_SECONDS(2)), 2);
	zassert_equal(found[0].family, AF_INET);
	zassert_equal(found[0].address[3], 79);
	zassert_equal(found[1].family, AF_INET6);
	zassert_equal(found[1].address[15], 0x79);
	zassert_equal(z_levante_dns_resolve("nothing.test", AF_INET, found, 2, K_SECONDS(2)),
		      DNS_EAI_NONAME);
}

/* getaddrinfo is a system call in Zephyr: user threads resolve names, and wait. */
ZTEST_USER(dns_names, test_user_getaddrinfo)
{
	struct addrinfo hints = { .ai_family = AF_INET };
	struct addrinfo *result = NULL;

	resolves_a_names();
	zassert_equal(getaddrinfo("nothing.test", "80", NULL, &result), DNS_EAI_NONAME);
	zassert_equal(getaddrinfo("silent.test", "80", &hints, &result), DNS_EAI_AGAIN);
}

ZTEST_USER(dns_names, test_user_kernel_name_faults)
{
	struct z_levante_dns_address found[2];

	ztest_set_fault_valid(true);
	(void)z_levante_dns_resolve(kernel_only, AF_INET, found, 2, K_SECONDS(1));
	ztest_test_fail();
}

ZTEST_USER(dns_names, test_user_kernel_result_buffer_faults)
{
	ztest_set_fault_valid(true);
	(void)z_levante_dns_resolve("device.test", AF_INET, kernel_only, 2, K_SECONDS(1));
	ztest_test_fail();
}

ZTEST_SUITE(dns_names, NULL, NULL, NULL, NULL, NULL);
