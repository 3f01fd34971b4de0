/*
 * The device side of tests/net/test_user_gateway6_e2e.py: over IPv6, through the
 * `--net user` gateway, to servers the test runs on the host's ::1 (the gateway's
 * address CONFIG_NET_CONFIG_PEER_IPV6_ADDR stands for it):
 *   - a TCP echo on port 5105: one line there and back, and the device's own address;
 *   - a UDP echo on port 5104: one datagram there and back.
 * Each step prints one "step: result" line the test checks. Until the device has a
 * global address (SLAAC needs the gateway's advertisement) a connect fails: it retries.
 */
#include <stdio.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/socket.h>

#define UDP_PORT 5104
#define TCP_PORT 5105
#define ATTEMPTS 20

static const char line[] = "hello over six\n";

static struct sockaddr_in6 peer_at(int port)
{
	struct sockaddr_in6 peer = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	inet_pton(AF_INET6, CONFIG_NET_CONFIG_PEER_IPV6_ADDR, &peer.sin6_addr);
	return peer;
}

static int connected(void)
{
	struct sockaddr_in6 peer = peer_at(TCP_PORT);

	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		int sock = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);

		if (sock < 0) {
			return -errno;
		}
		if (connect(sock, (struct sockaddr *)&peer, sizeof(peer)) == 0) {
			return sock;
		}
		printf("tcp6: connect attempt %d: errno %d\n", attempt, errno);
		close(sock);
		k_msleep(500);
	}
	return -ETIMEDOUT;
}

static void tcp6(void)
{
	int sock = connected();

	if (sock < 0) {
		printf("tcp6: no connection (errno %d)\n", -sock);
		return;
	}
	struct sockaddr_in6 local;
	socklen_t length = sizeof(local);
	char text[INET6_ADDRSTRLEN] = "?";

	if (getsockname(sock, (struct sockaddr *)&local, &length) == 0) {
		inet_ntop(AF_INET6, &local.sin6_addr, text, sizeof(text));
	}
	printf("tcp6: connected from %s\n", text);
	char answer[sizeof(line)] = { 0 };
	ssize_t sent = send(sock, line, sizeof(line) - 1, 0);
	ssize_t got = recv(sock, answer, sizeof(line) - 1, MSG_WAITALL);

	printf("tcp6: echo %s\n", sent == (ssize_t)sizeof(line) - 1 && got == sent &&
	       memcmp(answer, line, (size_t)got) == 0 ? "intact" : "damaged");
	close(sock);
}

static void udp6(void)
{
	struct sockaddr_in6 peer = peer_at(UDP_PORT);
	int sock = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
	struct timeval wait = { .tv_sec = 1 };

	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
	for (int attempt = 0; attempt < 5; attempt++) {
		sendto(sock, "six", 3, 0, (struct sockaddr *)&peer, sizeof(peer));
		struct sockaddr_in6 source;
		socklen_t length = sizeof(source);
		char answer[16];
		ssize_t got = recvfrom(sock, answer, sizeof(answer), 0,
				       (struct sockaddr *)&source, &length);

		if (got > 0) {
			char text[INET6_ADDRSTRLEN];

			inet_ntop(AF_INET6, &source.sin6_addr, text, sizeof(text));
			printf("udp6: \"%.*s\" from %s port %d\n", (int)got, answer, text,
			       ntohs(source.sin6_port));
			close(sock);
			return;
		}
	}
	printf("udp6: no answer\n");
	close(sock);
}

int main(void)
{
	tcp6();
	udp6();
	printf("gw6_client: done\n");
	return 0;
}
