/* Zephyr's stream sockets and AF_INET6 sockets on the default link, talking to no one
 * (tests/net/test_tap_tcp.py has real peers): listening,
 * accept's waits, connect's progress, what an unconnected stream refuses, options,
 * sockaddr_in6 names, and the rules for user threads (their own sockets work; kernel
 * memory as an address faults the caller). */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/socket.h>
#include <zephyr/ztest.h>

#define PORT 6000
#define SILENT_PEER "192.0.2.77"
#define STACK_SIZE 1024

static char kernel_only[64]; /* kernel memory: no user thread's */

static K_THREAD_STACK_DEFINE(helper_stack, STACK_SIZE);
static struct k_thread helper;
static volatile int helper_result;
static volatile int helper_errno;
static int helper_fd;

#define zassert_fails_with(call, error)                                                 \
	do {                                                                               \
		errno = 0;                                                                 \
		zassert_equal((call), -1, #call " should fail");                           \
		zassert_equal(errno, (error), #call ": errno %d", errno);                  \
	} while (0)

static int stream(int family)
{
	int fd = socket(family, SOCK_STREAM, IPPROTO_TCP);

	zassert_true(fd >= 3, "socket: %d (errno %d)", fd, errno);
	return fd;
}

static struct sockaddr_in any4(uint16_t port)
{
	return (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port) };
}

static struct sockaddr_in6 address6(const char *text, uint16_t port)
{
	struct sockaddr_in6 address = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	zassert_equal(inet_pton(AF_INET6, text, &address.sin6_addr), 1);
	return address;
}

static int listener(int family, uint16_t port)
{
	int fd = stream(family);
	struct sockaddr_in in = any4(port);
	struct sockaddr_in6 in6 = address6("::", port);
	int result = family == AF_INET6
			     ? bind(fd, (struct sockaddr *)&in6, sizeof(in6))
			     : bind(fd, (struct sockaddr *)&in, sizeof(in));

	zassert_equal(result, 0, "bind: errno %d", errno);
	zassert_equal(listen(fd, 2), 0, "listen: errno %d", errno);
	return fd;
}

/* ---- supervisor ------------------------------------------------------------------------ */

ZTEST(stream_sockets, test_listeners_of_both_families_share_a_port)
{
	int four = listener(AF_INET, PORT), six = listener(AF_INET6, PORT);
	struct sockaddr_in6 name;
	socklen_t length = sizeof(name);

	zassert_equal(getsockname(six, (struct sockaddr *)&name, &length), 0);
	zassert_equal(length, sizeof(struct sockaddr_in6));
	zassert_equal(name.sin6_family, AF_INET6);
	zassert_equal(ntohs(name.sin6_port), PORT);
	int again = stream(AF_INET);
	struct sockaddr_in same = any4(PORT);

	zassert_fails_with(bind(again, (struct sockaddr *)&same, sizeof(same)), EADDRINUSE);
	zassert_fails_with(connect(four, (struct sockaddr *)&same, sizeof(same)), EISCONN);
	zassert_equal(close(again), 0);
	zassert_equal(close(four), 0);
	zassert_equal(close(six), 0);
}

ZTEST(stream_sockets, test_accept_waits_and_nonblocking_says_eagain)
{
	int fd = listener(AF_INET, PORT + 1);
	struct timeval wait = { .tv_usec = 20000 };

	zassert_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	zassert_fails_with(accept(fd, NULL, NULL), EAGAIN);
	zassert_equal(fcntl(fd, F_SETFL, 0), 0);
	zassert_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait)), 0);
	int64_t before = k_uptime_get();

	zassert_fails_with(accept(fd, NULL, NULL), EAGAIN);
	zassert_true(k_uptime_get() - before >= 20, "accept did not wait");
	struct pollfd fds[] = { { .fd = fd, .events = POLLIN | POLLOUT } };

	zassert_equal(poll(fds, 1, 0), 0, "a listener with nothing waiting is not ready");
	zassert_equal(close(fd), 0);
}

ZTEST(stream_sockets, test_an_unconnected_stream_refuses)
{
	int fd = stream(AF_INET);
	char byte = 0;
	struct sockaddr_in peer;
	socklen_t length = sizeof(peer);

	zassert_fails_with(send(fd, &byte, 1, 0), ENOTCONN);
	zassert_fails_with(recv(fd, &byte, 1, 0), ENOTCONN);
	zassert_fails_with(shutdown(fd, SHUT_WR), ENOTCONN);
	zassert_fails_with(getpeername(fd, (struct sockaddr *)&peer, &length), ENOTCONN);
	zassert_fails_with(accept(fd, NULL, NULL), EINVAL);
	struct sockaddr_in nowhere = any4(80);

	zassert_fails_with(connect(fd, (struct sockaddr *)&nowhere, sizeof(nowhere)), EINVAL);
	struct sockaddr_in6 wrong = address6("2001:db8::2", 80);

	zassert_fails_with(connect(fd, (struct sockaddr *)&wrong, sizeof(wrong)), EAFNOSUPPORT);
	zassert_equal(close(fd), 0);
}

ZTEST(stream_sockets, test_connect_in_progress)
{
	/* 192.0.2.77 answers nothing (not even ARP), so the handshake stays under way. */
	int fd = stream(AF_INET);
	struct sockaddr_in peer = any4(80);
	int error = -1;
	socklen_t length = sizeof(error);

	inet_pton(AF_INET, SILENT_PEER, &peer.sin_addr);
	zassert_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	zassert_fails_with(connect(fd, (struct sockaddr *)&peer, sizeof(peer)), EINPROGRESS);
	zassert_fails_with(connect(fd, (struct sockaddr *)&peer, sizeof(peer)), EALREADY);
	zassert_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length), 0);
	zassert_equal(error, 0, "SO_ERROR while connecting: %d", error);
	struct pollfd fds[] = { { .fd = fd, .events = POLLOUT } };

	int polled = poll(fds, 1, 10);

	zassert_equal(polled, 0, "not writable before the handshake: %d revents %x errno %d",
		      polled, fds[0].revents, errno);
	char byte = 0;

	zassert_fails_with(send(fd, &byte, 1, 0), EAGAIN);
	zassert_equal(close(fd), 0);

	/* A blocking connect waits at most SO_SNDTIMEO. */
	int blocking = stream(AF_INET);
	struct sockaddr_in four = any4(80);
	struct timeval wait = { .tv_usec = 30000 };

	inet_pton(AF_INET, SILENT_PEER, &four.sin_addr);
	zassert_equal(setsockopt(blocking, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof(wait)), 0);
	zassert_fails_with(connect(blocking, (struct sockaddr *)&four, sizeof(four)), ETIMEDOUT);
	zassert_equal(close(blocking), 0);
}

ZTEST(stream_sockets, test_options)
{
	int fd = stream(AF_INET6);
	int value = 1;
	socklen_t length = sizeof(value);

	zassert_equal(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, sizeof(value)), 0);
	value = 0;
	zassert_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &length), 0);
	zassert_equal(value, 1);
	zassert_fails_with(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &value, sizeof(value)),
			   ENOPROTOOPT);
	zassert_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &value, sizeof(value)), 0);
	zassert_fails_with(getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &value, &length),
			   ENOPROTOOPT);
	zassert_equal(getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &length), 0);
	zassert_equal(value, SOCK_STREAM);
	zassert_equal(close(fd), 0);
}

ZTEST(stream_sockets, test_ipv6_names_and_datagrams)
{
	int fd = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
	struct sockaddr_in6 own = address6(CONFIG_NET_CONFIG_MY_IPV6_ADDR, PORT + 2);
	struct sockaddr_in6 other = address6("2001:db8::99", PORT + 3);
	struct sockaddr_in6 name;
	socklen_t length = sizeof(name);

	zassert_true(fd >= 3);
	zassert_fails_with(bind(fd, (struct sockaddr *)&other, sizeof(other)), EADDRNOTAVAIL);
	zassert_fails_with(bind(fd, (struct sockaddr *)&own, sizeof(struct sockaddr_in)),
			   EINVAL);
	zassert_equal(bind(fd, (struct sockaddr *)&own, sizeof(own)), 0);
	zassert_equal(getsockname(fd, (struct sockaddr *)&name, &length), 0);
	zassert_equal(length, sizeof(struct sockaddr_in6));
	zassert_mem_equal(&name.sin6_addr, &own.sin6_addr, sizeof(own.sin6_addr));
	struct sockaddr_in6 peer = address6(CONFIG_NET_CONFIG_PEER_IPV6_ADDR, 7);

	/* Until duplicate address detection has ended (a second after the link came up,
	 * RFC 4862 §5.4) the address is tentative: there is no source to send from. */
	if (k_uptime_get() < 1000) {
		zassert_fails_with(sendto(fd, "six", 3, 0, (struct sockaddr *)&peer,
					  sizeof(peer)), ENETUNREACH);
		k_sleep(K_SECONDS(2));
	}
	zassert_equal(sendto(fd, "six", 3, 0, (struct sockaddr *)&peer, sizeof(peer)), 3,
		      "errno %d", errno);
	zassert_equal(close(fd), 0);
}

static void accept_forever(void *fd, void *unused1, void *unused2)
{
	errno = 0;
	helper_result = accept((int)(intptr_t)fd, NULL, NULL);
	helper_errno = errno;
}

ZTEST(stream_sockets, test_close_ends_an_accept)
{
	helper_fd = listener(AF_INET, PORT + 4);
	helper_result = 0;
	k_thread_create(&helper, helper_stack, STACK_SIZE, accept_forever,
			(void *)(intptr_t)helper_fd, NULL, NULL, K_PRIO_PREEMPT(0), 0, K_NO_WAIT);
	k_sleep(K_MSEC(5));
	zassert_equal(close(helper_fd), 0);
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(helper_result, -1);
	zassert_equal(helper_errno, EINTR);
}

/* ---- user threads ---------------------------------------------------------------------- */

ZTEST_USER(stream_sockets, test_user_streams_of_its_own)
{
	int fd = listener(AF_INET6, PORT + 5);

	zassert_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	zassert_fails_with(accept(fd, NULL, NULL), EAGAIN);
	zassert_equal(close(fd), 0);
}

ZTEST_USER(stream_sockets, test_user_accept_into_kernel_memory_faults)
{
	int fd = listener(AF_INET, PORT + 6);
	socklen_t length = sizeof(struct sockaddr_in);

	ztest_set_fault_valid(true);
	accept(fd, (struct sockaddr *)kernel_only, &length);
	zassert_unreachable("accept wrote into kernel memory");
}

ZTEST_USER(stream_sockets, test_user_connect_from_kernel_memory_faults)
{
	int fd = stream(AF_INET6);

	ztest_set_fault_valid(true);
	connect(fd, (struct sockaddr *)kernel_only, sizeof(struct sockaddr_in6));
	zassert_unreachable("connect read kernel memory");
}

ZTEST_SUITE(stream_sockets, NULL, NULL, NULL, NULL, NULL);
