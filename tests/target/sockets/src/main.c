/* Zephyr's socket calls on a device with no link: descriptors, names, options, waits
 * that time out or end when the socket closes, poll and select, address text, and the
 * rules for user threads (a socket is an object: a descriptor alone gives nothing;
 * buffers must be the caller's). */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/socket.h>
#include <zephyr/ztest.h>

#define PORT 5000
#define STACK_SIZE 1024

static char kernel_only[64]; /* kernel memory: no user thread's */
ZTEST_DMEM int foreign_fd = -1;  /* made by a thread that is gone: nobody was granted it */
ZTEST_DMEM int granted_fd = -1;  /* the same, granted to each test's thread */

static K_THREAD_STACK_DEFINE(helper_stack, STACK_SIZE);
static struct k_thread helper;
static volatile int helper_result;
static volatile int helper_errno;
static int helper_fd;

static struct sockaddr_in address_of(const char *text, uint16_t port)
{
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port) };

	zassert_equal(inet_pton(AF_INET, text, &address.sin_addr), 1);
	return address;
}

static int udp_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	zassert_true(fd >= 3, "socket: %d (errno %d)", fd, errno);
	return fd;
}

#define zassert_fails_with(call, error)                                                 \
	do {                                                                               \
		errno = 0;                                                                 \
		zassert_equal((call), -1, #call " should fail");                           \
		zassert_equal(errno, (error), #call ": errno %d", errno);                  \
	} while (0)

/* ---- supervisor ------------------------------------------------------------------------ */

ZTEST(sockets, test_what_socket_makes)
{
	int fd = udp_socket();

	zassert_fails_with(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), EPROTONOSUPPORT);
	zassert_fails_with(socket(99, SOCK_DGRAM, 0), EAFNOSUPPORT);
	int six = socket(AF_INET6, SOCK_DGRAM, 0); /* NET_IPV6 is on by default */

	zassert_true(six >= 3, "AF_INET6: %d (errno %d)", six, errno);
	zassert_equal(close(six), 0);
	zassert_fails_with(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
	zassert_fails_with(socket(AF_INET, 9, 0), EPROTOTYPE);
	zassert_fails_with(listen(fd, 1), EOPNOTSUPP);
	zassert_fails_with(accept(fd, NULL, NULL), EOPNOTSUPP);
	zassert_equal(close(fd), 0);
}

ZTEST(sockets, test_bind_and_names)
{
	int first = udp_socket(), second = udp_socket();
	struct sockaddr_in any = address_of("0.0.0.0", PORT);
	struct sockaddr_in name;
	socklen_t length = sizeof(name);

	zassert_equal(bind(first, (struct sockaddr *)&any, sizeof(any)), 0);
	zassert_equal(getsockname(first, (struct sockaddr *)&name, &length), 0);
	zassert_equal(length, sizeof(struct sockaddr_in));
	zassert_equal(ntohs(name.sin_port), PORT);
	zassert_equal(name.sin_addr.s_addr, 0);
	zassert_fails_with(bind(first, (struct sockaddr *)&any, sizeof(any)), EINVAL);
	zassert_fails_with(bind(second, (struct sockaddr *)&any, sizeof(any)), EADDRINUSE);
	struct sockaddr_in elsewhere = address_of("198.51.100.7", PORT + 1);

	zassert_fails_with(bind(second, (struct sockaddr *)&elsewhere, sizeof(elsewhere)),
			   EADDRNOTAVAIL);
	zassert_fails_with(bind(second, (struct sockaddr *)&any, 4), EINVAL);
	zassert_fails_with(getpeername(second, (struct sockaddr *)&name, &length), ENOTCONN);
	struct sockaddr_in peer = address_of("192.0.2.2", 7);

	zassert_equal(connect(second, (struct sockaddr *)&peer, sizeof(peer)), 0);
	zassert_equal(getpeername(second, (struct sockaddr *)&name, &length), 0);
	zassert_equal(ntohs(name.sin_port), 7);
	zassert_mem_equal(&name.sin_addr, &peer.sin_addr, 4);
	/* connect bound it to an ephemeral port (RFC 6335 §6). */
	zassert_equal(getsockname(second, (struct sockaddr *)&name, &length), 0);
	zassert_true(ntohs(name.sin_port) >= 49152, "port %d", ntohs(name.sin_port));
	/* A short buffer gets what fits, and the length says what the address needs. */
	length = 2;
	zassert_equal(getsockname(second, (struct sockaddr *)&name, &length), 0);
	zassert_equal(length, sizeof(struct sockaddr_in));
	close(first);
	close(second);
}

ZTEST(sockets, test_sending)
{
	int fd = udp_socket();
	static char big[2000];
	struct sockaddr_in peer = address_of("192.0.2.2", 7);

	zassert_fails_with(send(fd, "x", 1, 0), EDESTADDRREQ);
	zassert_fails_with(sendto(fd, big, sizeof(big), 0, (struct sockaddr *)&peer,
				  sizeof(peer)), EMSGSIZE);
	zassert_equal(sendto(fd, big, 1472, 0, (struct sockaddr *)&peer, sizeof(peer)), 1472);
	peer.sin_port = 0;
	zassert_fails_with(sendto(fd, "x", 1, 0, (struct sockaddr *)&peer, sizeof(peer)), EINVAL);
	struct sockaddr_in6 wrong = { .sin6_family = AF_INET6, .sin6_port = htons(7) };

	zassert_fails_with(sendto(fd, "x", 1, 0, (struct sockaddr *)&wrong, sizeof(wrong)),
			   EAFNOSUPPORT);
	/* sendmsg gathers its pieces into one datagram. */
	struct iovec pieces[2] = { { "hello ", 6 }, { "world", 5 } };
	struct msghdr message = { .msg_name = &peer, .msg_namelen = sizeof(peer),
				  .msg_iov = pieces, .msg_iovlen = 2 };

	peer.sin_port = htons(7);
	zassert_equal(sendmsg(fd, &message, 0), 11);
	message.msg_iovlen = 17;
	zassert_fails_with(sendmsg(fd, &message, 0), EMSGSIZE);
	close(fd);
}

ZTEST(sockets, test_nonblocking_and_timeouts)
{
	int fd = udp_socket();
	char buffer[16];

	zassert_fails_with(recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT), EAGAIN);
	zassert_equal(fcntl(fd, F_GETFL, 0), 0);
	zassert_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	zassert_equal(fcntl(fd, F_GETFL, 0), O_NONBLOCK);
	zassert_fails_with(recv(fd, buffer, sizeof(buffer), 0), EAGAIN);
	zassert_fails_with(fcntl(fd, 99, 0), EINVAL);
	zassert_equal(fcntl(fd, F_SETFL, 0), 0);

	/* SO_RCVTIMEO: the wait ends after the timeout, on simulated time. */
	struct timeval timeout = { .tv_sec = 0, .tv_usec = 20000 };

	zassert_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)), 0);
	int64_t start = k_uptime_get();

	zassert_fails_with(recv(fd, buffer, sizeof(buffer), 0), EAGAIN);
	zassert_true(k_uptime_get() - start >= 20, "waited %d ms",
		     (int)(k_uptime_get() - start));
	struct timeval read_back;
	socklen_t length = sizeof(read_back);

	zassert_equal(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &read_back, &length), 0);
	zassert_equal(read_back.tv_sec, 0);
	zassert_equal(read_back.tv_usec, 20000);
	timeout.tv_usec = 2000000;
	zassert_fails_with(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)),
			   EINVAL);

	int value = 0;

	length = sizeof(value);
	zassert_equal(getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &length), 0);
	zassert_equal(value, SOCK_DGRAM);
	zassert_equal(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &value, &length), 0);
	zassert_equal(value, IPPROTO_UDP);
	zassert_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length), 0);
	zassert_equal(value, 0);
	value = 1;
	zassert_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &value, sizeof(value)), 0);
	zassert_equal(getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &value, &length), 0);
	zassert_equal(value, 1);
	value = 3000;
	zassert_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, sizeof(value)), 0);
	value = 0;
	zassert_equal(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, &length), 0);
	zassert_equal(value, 3000);
	zassert_fails_with(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, sizeof(value)),
			   ENOPROTOOPT);
	zassert_fails_with(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, 2), EINVAL);
	length = 2;
	zassert_fails_with(getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &length), EINVAL);
	close(fd);
}

ZTEST(sockets, test_poll_and_select)
{
	int fd = udp_socket();
	struct pollfd fds[3] = {
		{ .fd = fd, .events = POLLOUT },
		{ .fd = -1, .events = POLLIN },
		{ .fd = 42, .events = POLLIN },
	};

	zassert_equal(poll(fds, 3, 0), 2);
	zassert_equal(fds[0].revents, POLLOUT);
	zassert_equal(fds[1].revents, 0);
	zassert_equal(fds[2].revents, POLLNVAL);
	fds[0].events = POLLIN;
	int64_t start = k_uptime_get();

	zassert_equal(poll(fds, 1, 30), 0);
	zassert_true(k_uptime_get() - start >= 30);
	zassert_equal(fds[0].revents, 0);
	struct pollfd too_many[CONFIG_NET_SOCKETS_POLL_MAX + 1];

	memset(too_many, 0, sizeof(too_many));
	zassert_fails_with(poll(too_many, CONFIG_NET_SOCKETS_POLL_MAX + 1, 0), ENOMEM);

	fd_set readable, writable;

	FD_ZERO(&readable);
	FD_ZERO(&writable);
	FD_SET(fd, &readable);
	FD_SET(fd, &writable);
	zassert_equal(select(fd + 1, &readable, &writable, NULL, NULL), 1);
	zassert_false(FD_ISSET(fd, &readable));
	zassert_true(FD_ISSET(fd, &writable));
	struct timeval ten_ms = { .tv_sec = 0, .tv_usec = 10000 };

	FD_SET(fd, &readable);
	zassert_equal(select(fd + 1, &readable, NULL, NULL, &ten_ms), 0);
	zassert_false(FD_ISSET(fd, &readable));
	close(fd);
}

static void blocked_reader(void *p1, void *p2, void *p3)
{
	char buffer[8];

	helper_result = recv(helper_fd, buffer, sizeof(buffer), 0);
	helper_errno = errno;
}

static void blocked_poller(void *p1, void *p2, void *p3)
{
	struct pollfd entry = { .fd = helper_fd, .events = POLLIN };

	helper_result = poll(&entry, 1, -1);
	helper_errno = entry.revents;
}

static void run_helper(k_thread_entry_t entry)
{
	helper_result = 99;
	k_thread_create(&helper, helper_stack, STACK_SIZE, entry, NULL, NULL, NULL,
			K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	k_msleep(10);
	zassert_equal(helper_result, 99, "the helper must still be waiting");
	zassert_equal(close(helper_fd), 0);
	k_thread_join(&helper, K_FOREVER);
}

ZTEST(sockets, test_close_ends_the_waits_on_a_socket)
{
	helper_fd = udp_socket();
	run_helper(blocked_reader);
	zassert_equal(helper_result, -1);
	zassert_equal(helper_errno, EINTR);

	helper_fd = udp_socket();
	run_helper(blocked_poller);
	zassert_equal(helper_result, 1);
	zassert_equal(helper_errno, POLLNVAL);
}

ZTEST(sockets, test_shutdown)
{
	int fd = udp_socket();
	char buffer[4];

	zassert_fails_with(shutdown(fd, SHUT_WR), ENOTSUP);
	zassert_fails_with(shutdown(fd, 7), EINVAL);
	zassert_equal(shutdown(fd, SHUT_RD), 0);
	zassert_equal(recv(fd, buffer, sizeof(buffer), 0), 0); /* the end of input */
	close(fd);
}

ZTEST(sockets, test_descriptors)
{
	int fds[CONFIG_NET_MAX_CONTEXTS];
	char buffer[4];

	/* Three sockets (foreign_fd, granted_fd and one more) may already be taken. */
	for (int index = 0; index < CONFIG_NET_MAX_CONTEXTS; index++) {
		fds[index] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fds[index] < 0) {
			zassert_equal(errno, ENOENT);
			zassert_true(index > 0);
			for (int open = 0; open < index; open++) {
				zassert_equal(close(fds[open]), 0);
			}
			break;
		}
	}
	int fd = udp_socket();

	zassert_equal(close(fd), 0);
	zassert_fails_with(close(fd), EBADF);
	zassert_fails_with(recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT), EBADF);
	zassert_fails_with(recv(-1, buffer, sizeof(buffer), 0), EBADF);
	zassert_fails_with(close(1000), EBADF);
	zassert_is_null(zsock_get_context_object(fd));
	/* The lowest free descriptor comes back first. */
	zassert_equal(udp_socket(), fd);
	close(fd);
	/* A supervisor may use any socket. */
	zassert_equal(recv(foreign_fd, buffer, sizeof(buffer), MSG_DONTWAIT), -1);
	zassert_equal(errno, EAGAIN);
}

ZTEST(sockets, test_address_text_and_getaddrinfo)
{
	uint8_t raw[16];
	char text[INET6_ADDRSTRLEN];

	zassert_equal(inet_pton(AF_INET, "192.0.2.33", raw), 1);
	zassert_str_equal(inet_ntop(AF_INET, raw, text, sizeof(text)), "192.0.2.33");
	zassert_equal(inet_pton(AF_INET, "192.0.2.256", raw), 0);
	zassert_equal(inet_pton(AF_INET, "1.2.3", raw), 0);
	zassert_equal(inet_pton(AF_INET6, "2001:db8::1", raw), 1);
	zassert_equal(raw[0], 0x20);
	zassert_equal(raw[15], 1);
	zassert_str_equal(inet_ntop(AF_INET6, raw, text, sizeof(text)), "2001:db8::1");
	zassert_equal(inet_pton(AF_INET6, "2001:db8::1::2", raw), 0);
	zassert_is_null(inet_ntop(AF_INET, raw, text, 4));

	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *result;

	zassert_equal(getaddrinfo("192.0.2.2", "4242", &hints, &result), 0);
	zassert_equal(result->ai_family, AF_INET);
	zassert_equal(result->ai_protocol, IPPROTO_UDP);
	zassert_equal(ntohs(net_sin(result->ai_addr)->sin_port), 4242);
	freeaddrinfo(result);
	hints.ai_flags = AI_PASSIVE;
	zassert_equal(getaddrinfo(NULL, "7", &hints, &result), 0);
	zassert_equal(net_sin(result->ai_addr)->sin_addr.s_addr, INADDR_ANY);
	freeaddrinfo(result);
	hints.ai_flags = 0;
	zassert_equal(getaddrinfo(NULL, "7", &hints, &result), DNS_EAI_FAIL);
	zassert_equal(getaddrinfo("2001:db8::1", "7", &hints, &result), DNS_EAI_NONAME);
	zassert_equal(getaddrinfo("192.0.2.2", "echo", &hints, &result), DNS_EAI_NONAME);
	hints.ai_flags = AI_NUMERICHOST;
	zassert_equal(getaddrinfo("device.example", "7", &hints, &result), DNS_EAI_FAIL);
	hints.ai_flags = 0;
	zassert_equal(getaddrinfo("device.example", "7", &hints, &result), DNS_EAI_FAIL);
}

/* ---- user mode ----------------------------------------------------------------------------- */

ZTEST_USER(sockets, test_user_owns_the_sockets_it_makes)
{
	int fd = udp_socket();
	struct sockaddr_in any = address_of("0.0.0.0", PORT + 2);
	char buffer[4];

	zassert_equal(bind(fd, (struct sockaddr *)&any, sizeof(any)), 0);
	zassert_fails_with(recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT), EAGAIN);
	zassert_not_null(zsock_get_context_object(fd));
	zassert_equal(close(fd), 0);
}

ZTEST_USER(sockets, test_user_descriptor_alone_gives_nothing)
{
	char buffer[4];

	/* CVE-2020-10072: another thread's descriptor, without a grant on its object. */
	zassert_fails_with(recv(foreign_fd, buffer, sizeof(buffer), MSG_DONTWAIT), EBADF);
	zassert_fails_with(close(foreign_fd), EBADF);
	zassert_is_null(zsock_get_context_object(foreign_fd));
	/* With a grant on the object, the same kind of socket serves it. */
	zassert_fails_with(recv(granted_fd, buffer, sizeof(buffer), MSG_DONTWAIT), EAGAIN);
}

ZTEST_USER(sockets, test_user_huge_datagram_is_refused_before_any_copy)
{
	int fd = udp_socket();
	struct sockaddr_in peer = address_of("192.0.2.2", 7);

	zassert_fails_with(sendto(fd, kernel_only, 0x7fffffff, 0, (struct sockaddr *)&peer,
				  sizeof(peer)), EMSGSIZE);
	close(fd);
}

/* The faulting tests use the granted socket: a thread that faults leaves its own sockets
 * open (as on Zephyr, where descriptors outlive threads). */
ZTEST_USER(sockets, test_user_kernel_buffer_faults)
{
	ztest_set_fault_valid(true);
	(void)recv(granted_fd, kernel_only, sizeof(kernel_only), MSG_DONTWAIT);
	ztest_test_fail();
}

ZTEST_USER(sockets, test_user_kernel_address_faults)
{
	ztest_set_fault_valid(true);
	(void)bind(granted_fd, (struct sockaddr *)kernel_only, sizeof(struct sockaddr_in));
	ztest_test_fail();
}

ZTEST_USER(sockets, test_user_huge_receive_length_faults)
{
	char buffer[8];

	ztest_set_fault_valid(true);
	(void)recv(granted_fd, buffer, 0x7fffffff, MSG_DONTWAIT);
	ztest_test_fail();
}

static void make_sockets(void *p1, void *p2, void *p3)
{
	foreign_fd = socket(AF_INET, SOCK_DGRAM, 0);
	granted_fd = socket(AF_INET, SOCK_DGRAM, 0);
}

static void *sockets_setup(void)
{
	/* Made by a thread that then ends: no thread holds a permission on them. */
	k_thread_create(&helper, helper_stack, STACK_SIZE, make_sockets, NULL, NULL, NULL,
			K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	k_thread_join(&helper, K_FOREVER);
	zassert_true(foreign_fd >= 3 && granted_fd >= 3);
	return NULL;
}

static void grant_socket(void *fixture)
{
	ARG_UNUSED(fixture);
	k_object_access_grant(zsock_get_context_object(granted_fd), k_current_get());
}

ZTEST_SUITE(sockets, NULL, sockets_setup, grant_socket, NULL, NULL);
