/* Zephyr's TLS and DTLS sockets with no peer: what socket makes, every SOL_TLS option
 * set and read back and refused when hostile, a DTLS handshake that times out on
 * simulated time (TLS_DTLS_HANDSHAKE_TIMEOUT_MIN/MAX) over IPv4 and IPv6, the contexts'
 * bound, and the user rules: a user thread's options work the same, kernel memory as an
 * option value, an ALPN name or a length faults the caller. */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/socket.h>
#include <zephyr/net/tls_credentials.h>
#include <zephyr/ztest.h>

#define PSK_TAG 1
#define EMPTY_TAG 9
#define PORT 4433

static const unsigned char psk[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const char psk_id[] = "levante-device";
static char kernel_only[64]; /* kernel memory: no user thread's */
ZTEST_DMEM const char *kernel_name[] = { kernel_only };
ZTEST_DMEM int granted_fd = -1; /* a DTLS socket made by the supervisor, granted */
static ZTEST_BMEM char long_name[300]; /* longer than a DNS name */

#define zassert_fails_with(call, error)                                                 \
	do {                                                                               \
		errno = 0;                                                                 \
		zassert_equal((call), -1, #call " should fail");                           \
		zassert_equal(errno, (error), #call ": errno %d", errno);                  \
	} while (0)

static int dtls_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_DTLS_1_2);

	zassert_true(fd >= 3, "socket: %d (errno %d)", fd, errno);
	return fd;
}

static int set_int(int fd, int option, int value)
{
	return setsockopt(fd, SOL_TLS, option, &value, sizeof(value));
}

/* Every option: what it takes, what it reads back, and what it refuses. The same
 * checks run in a supervisor and in a user thread. */
static void check_options(void)
{
	int fd = dtls_socket();
	sec_tag_t tags[] = { PSK_TAG, 7 };
	sec_tag_t five[5] = { 1, 2, 3, 4, 5 };
	sec_tag_t back[4];
	socklen_t length = sizeof(back);
	int suites[] = { 0xC0A8 }; /* TLS_PSK_WITH_AES_128_CCM_8 */
	uint32_t timeout = 0;
	const char *alpn[] = { "coap", "h2" };
	const char *three[] = { "a", "b", "c" };
	const char *with_null[] = { "a", NULL };
	int value;

	/* TLS_SEC_TAG_LIST */
	zassert_equal(setsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, tags, sizeof(tags)), 0);
	zassert_equal(getsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, back, &length), 0);
	zassert_equal(length, sizeof(tags));
	zassert_equal(back[0], PSK_TAG);
	zassert_equal(back[1], 7);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, five, sizeof(five)), EINVAL);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, tags, 3), EINVAL);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, tags, 0), EINVAL);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, NULL, sizeof(tags)), EINVAL);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, tags, 0x7fffffff), EINVAL);
	length = 3;
	zassert_fails_with(getsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, back, &length), EINVAL);

	/* TLS_HOSTNAME: a name, NULL for none; longer than a DNS name is refused. */
	zassert_equal(setsockopt(fd, SOL_TLS, TLS_HOSTNAME, "server.test",
				 sizeof("server.test")), 0);
	zassert_equal(setsockopt(fd, SOL_TLS, TLS_HOSTNAME, NULL, 0), 0);
	memset(long_name, 'a', sizeof(long_name) - 1);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_HOSTNAME, long_name, sizeof(long_name)),
			   EINVAL);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_HOSTNAME, "\xff", 2), EINVAL);
	length = 16;
	zassert_fails_with(getsockopt(fd, SOL_TLS, TLS_HOSTNAME, back, &length), ENOPROTOOPT);

	/* TLS_PEER_VERIFY, TLS_DTLS_ROLE: an int within its values. */
	zassert_equal(set_int(fd, TLS_PEER_VERIFY, TLS_PEER_VERIFY_NONE), 0);
	zassert_fails_with(set_int(fd, TLS_PEER_VERIFY, 3), EINVAL);
	zassert_fails_with(set_int(fd, TLS_PEER_VERIFY, -1), EINVAL);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_PEER_VERIFY, &value, 1), EINVAL);
	zassert_equal(set_int(fd, TLS_DTLS_ROLE, TLS_DTLS_ROLE_CLIENT), 0);
	zassert_fails_with(set_int(fd, TLS_DTLS_ROLE, 2), EINVAL);

	/* TLS_CIPHERSUITE_LIST: IANA numbers mbedTLS has; USED only once established. */
	zassert_equal(setsockopt(fd, SOL_TLS, TLS_CIPHERSUITE_LIST, suites, sizeof(suites)), 0);
	length = sizeof(back);
	zassert_equal(getsockopt(fd, SOL_TLS, TLS_CIPHERSUITE_LIST, back, &length), 0);
	zassert_equal(length, sizeof(int));
	zassert_equal(back[0], 0xC0A8);
	length = sizeof(int);
	zassert_fails_with(getsockopt(fd, SOL_TLS, TLS_CIPHERSUITE_USED, &value, &length),
			   ENOTCONN);
	zassert_fails_with(set_int(fd, TLS_CIPHERSUITE_USED, 0xC0A8), ENOPROTOOPT);

	/* TLS_ALPN_LIST: an array of string pointers, at most two names. */
	zassert_equal(setsockopt(fd, SOL_TLS, TLS_ALPN_LIST, alpn, sizeof(alpn)), 0);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_ALPN_LIST, three, sizeof(three)), EINVAL);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_ALPN_LIST, with_null, sizeof(with_null)),
			   EINVAL);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_ALPN_LIST, alpn, 3), EINVAL);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_ALPN_LIST, "", 1), EINVAL);
	/* A hostile list: each name is read no further than 256 bytes; 255 is the most a
	 * name may have (RFC 7301), non-ASCII names are refused too. */
	const char *one_long[] = { long_name };
	const char *not_ascii[] = { "coap", "h\xff" };
	const char *empty_name[] = { "coap", "" };

	long_name[255] = '\0';
	zassert_equal(setsockopt(fd, SOL_TLS, TLS_ALPN_LIST, one_long, sizeof(one_long)), 0);
	long_name[255] = 'a';
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_ALPN_LIST, one_long, sizeof(one_long)),
			   EINVAL);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_ALPN_LIST, not_ascii, sizeof(not_ascii)),
			   EINVAL);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_ALPN_LIST, empty_name,
				      sizeof(empty_name)), EINVAL);

	/* The DTLS handshake timeouts: a uint32_t of milliseconds. */
	timeout = 250;
	zassert_equal(setsockopt(fd, SOL_TLS, TLS_DTLS_HANDSHAKE_TIMEOUT_MIN, &timeout,
				 sizeof(timeout)), 0);
	timeout = 0;
	length = sizeof(timeout);
	zassert_equal(getsockopt(fd, SOL_TLS, TLS_DTLS_HANDSHAKE_TIMEOUT_MIN, &timeout,
				 &length), 0);
	zassert_equal(timeout, 250);
	length = sizeof(timeout);
	zassert_equal(getsockopt(fd, SOL_TLS, TLS_DTLS_HANDSHAKE_TIMEOUT_MAX, &timeout,
				 &length), 0);
	zassert_equal(timeout, 60000);
	zassert_fails_with(setsockopt(fd, SOL_TLS, TLS_DTLS_HANDSHAKE_TIMEOUT_MAX, &timeout, 2),
			   EINVAL);

	/* Unknown options; SOL_TLS on a plain UDP socket. */
	zassert_fails_with(set_int(fd, 99, 0), ENOPROTOOPT);
	zassert_fails_with(set_int(fd, -5, 0), ENOPROTOOPT);
	int udp = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	zassert_true(udp >= 3);
	zassert_fails_with(set_int(udp, TLS_PEER_VERIFY, 0), ENOPROTOOPT);
	length = sizeof(value);
	zassert_fails_with(getsockopt(udp, SOL_TLS, TLS_PEER_VERIFY, &value, &length),
			   ENOPROTOOPT);
	zassert_equal(close(udp), 0);
	zassert_equal(close(fd), 0);
}

/* A DTLS client socket of `family` whose peer (192.0.2.2 or 2001:db8::2) never answers;
 * its address goes to `peer`, its length is returned. */
static socklen_t silent_peer(int family, int *fd, struct sockaddr_storage *peer)
{
	*fd = socket(family, SOCK_DGRAM, IPPROTO_DTLS_1_2);
	zassert_true(*fd >= 3, "socket: %d (errno %d)", *fd, errno);
	if (family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)peer;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(PORT);
		zassert_equal(inet_pton(AF_INET6, "2001:db8::2", &in6->sin6_addr), 1);
		/* The address is usable once Duplicate Address Detection ended (1 s). */
		k_sleep(K_MSEC(1100));
		return sizeof(*in6);
	}
	struct sockaddr_in *in = (struct sockaddr_in *)peer;

	in->sin_family = AF_INET;
	in->sin_port = htons(PORT);
	zassert_equal(inet_pton(AF_INET, "192.0.2.2", &in->sin_addr), 1);
	return sizeof(*in);
}

static void check_handshake_timeout(int family)
{
	int fd;
	sec_tag_t tags[] = { PSK_TAG };
	uint32_t shortest = 100, longest = 400;
	struct sockaddr_storage peer = { 0 };
	socklen_t peer_length = silent_peer(family, &fd, &peer);

	zassert_equal(setsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, tags, sizeof(tags)), 0);
	zassert_equal(setsockopt(fd, SOL_TLS, TLS_DTLS_HANDSHAKE_TIMEOUT_MIN, &shortest,
				 sizeof(shortest)), 0);
	zassert_equal(setsockopt(fd, SOL_TLS, TLS_DTLS_HANDSHAKE_TIMEOUT_MAX, &longest,
				 sizeof(longest)), 0);
	int64_t start = k_uptime_get();

	/* Nobody answers: the ClientHello goes out at 0, 100 and 300 ms, and the wait of
	 * 400 ms that follows ends the handshake. */
	zassert_fails_with(connect(fd, (struct sockaddr *)&peer, peer_length), ETIMEDOUT);
	int64_t waited = k_uptime_get() - start;

	zassert_true(waited >= 700 && waited < 800, "waited %d ms", (int)waited);
	zassert_equal(close(fd), 0);
}

/* ---- supervisor ----------------------------------------------------------------------- */

ZTEST(tls_sockets, test_what_socket_makes)
{
	int first = dtls_socket();

	zassert_fails_with(socket(AF_INET, SOCK_DGRAM, IPPROTO_DTLS_1_0), EPROTONOSUPPORT);
	zassert_fails_with(socket(AF_INET, SOCK_STREAM, IPPROTO_TLS_1_2), EPROTONOSUPPORT);
	zassert_fails_with(socket(AF_INET, SOCK_STREAM, IPPROTO_DTLS_1_2), EPROTONOSUPPORT);
	/* CONFIG_NET_SOCKETS_TLS_MAX_CONTEXTS=2, and the granted socket holds one. */
	zassert_fails_with(socket(AF_INET, SOCK_DGRAM, IPPROTO_DTLS_1_2), ENOMEM);
	zassert_equal(close(first), 0);
	first = dtls_socket();
	zassert_equal(close(first), 0);
}

ZTEST(tls_sockets, test_options_in_a_supervisor)
{
	check_options();
}

ZTEST(tls_sockets, test_a_silent_peer_times_the_handshake_out)
{
	check_handshake_timeout(AF_INET);
}

ZTEST(tls_sockets, test_a_silent_ipv6_peer_times_the_handshake_out)
{
	check_handshake_timeout(AF_INET6);
}

ZTEST(tls_sockets, test_a_tag_without_credentials_fails_connect)
{
	int fd = dtls_socket();
	sec_tag_t tags[] = { EMPTY_TAG };
	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(PORT) };

	zassert_equal(inet_pton(AF_INET, "192.0.2.2", &peer.sin_addr), 1);
	zassert_equal(setsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, tags, sizeof(tags)), 0);
	zassert_fails_with(connect(fd, (struct sockaddr *)&peer, sizeof(peer)), ENOENT);
	zassert_equal(close(fd), 0);
}

ZTEST(tls_sockets, test_send_before_the_handshake_is_enotconn)
{
	int fd = dtls_socket();
	char buffer[4];

	zassert_fails_with(send(fd, "x", 1, 0), ENOTCONN);
	zassert_fails_with(recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT), EAGAIN);
	zassert_equal(close(fd), 0);
}

ZTEST(tls_sockets, test_a_nonblocking_connect_is_polled_to_its_end)
{
	int fd = dtls_socket();
	sec_tag_t tags[] = { PSK_TAG };
	uint32_t shortest = 100, longest = 200;
	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	struct pollfd entry = { .fd = fd, .events = POLLIN | POLLOUT };
	int error = 0;
	socklen_t length = sizeof(error);

	zassert_equal(inet_pton(AF_INET, "192.0.2.2", &peer.sin_addr), 1);
	zassert_equal(setsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, tags, sizeof(tags)), 0);
	zassert_equal(setsockopt(fd, SOL_TLS, TLS_DTLS_HANDSHAKE_TIMEOUT_MIN, &shortest,
				 sizeof(shortest)), 0);
	zassert_equal(setsockopt(fd, SOL_TLS, TLS_DTLS_HANDSHAKE_TIMEOUT_MAX, &longest,
				 sizeof(longest)), 0);
	zassert_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	zassert_fails_with(connect(fd, (struct sockaddr *)&peer, sizeof(peer)), EINPROGRESS);
	/* Handshaking: neither readable nor writable. */
	zassert_equal(poll(&entry, 1, 0), 0);
	zassert_fails_with(send(fd, "x", 1, 0), ENOTCONN);
	/* 100 + 200 ms later nobody has answered: POLLERR, and SO_ERROR says why once. */
	zassert_equal(poll(&entry, 1, 5000), 1);
	zassert_true(entry.revents & POLLERR, "revents %x", entry.revents);
	zassert_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length), 0);
	zassert_equal(error, ETIMEDOUT);
	zassert_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length), 0);
	zassert_equal(error, 0);
	zassert_equal(close(fd), 0);
}

/* ---- user mode ------------------------------------------------------------------------ */

ZTEST_USER(tls_sockets, test_options_in_a_user_thread)
{
	check_options();
}

ZTEST_USER(tls_sockets, test_a_user_handshake_times_out_too)
{
	check_handshake_timeout(AF_INET);
}

ZTEST_USER(tls_sockets, test_a_user_ipv6_handshake_times_out_too)
{
	check_handshake_timeout(AF_INET6);
}

ZTEST_USER(tls_sockets, test_user_kernel_option_value_faults)
{
	ztest_set_fault_valid(true);
	(void)setsockopt(granted_fd, SOL_TLS, TLS_HOSTNAME, kernel_only, sizeof(kernel_only));
	ztest_test_fail();
}

ZTEST_USER(tls_sockets, test_user_kernel_alpn_name_faults)
{
	ztest_set_fault_valid(true);
	(void)setsockopt(granted_fd, SOL_TLS, TLS_ALPN_LIST, kernel_name, sizeof(kernel_name));
	ztest_test_fail();
}

ZTEST_USER(tls_sockets, test_user_kernel_getsockopt_buffer_faults)
{
	socklen_t length = sizeof(int);

	ztest_set_fault_valid(true);
	(void)getsockopt(granted_fd, SOL_TLS, TLS_SEC_TAG_LIST, kernel_only, &length);
	ztest_test_fail();
}

ZTEST_USER(tls_sockets, test_user_kernel_length_faults)
{
	int value;

	ztest_set_fault_valid(true);
	(void)getsockopt(granted_fd, SOL_TLS, TLS_SEC_TAG_LIST, &value,
			 (socklen_t *)kernel_only);
	ztest_test_fail();
}

static void *tls_setup(void)
{
	zassert_equal(tls_credential_add(PSK_TAG, TLS_CREDENTIAL_PSK, psk, sizeof(psk)), 0);
	zassert_equal(tls_credential_add(PSK_TAG, TLS_CREDENTIAL_PSK_ID, psk_id,
					 strlen(psk_id)), 0);
	granted_fd = dtls_socket();
	return NULL;
}

static void grant_socket(void *fixture)
{
	ARG_UNUSED(fixture);
	k_object_access_grant(zsock_get_context_object(granted_fd), k_current_get());
}

ZTEST_SUITE(tls_sockets, NULL, tls_setup, grant_socket, NULL, NULL);
