/*
 * The device side of the TCP end-to-end test: against servers the test runs on Linux
 * at the configured peer, it
 *   - connects to a closed port (ECONNREFUSED expected);
 *   - sends 1 MB of a known pattern to port 5000, half-closes, and reads 1 MB back;
 *   - reads from port 5001, whose server resets the connection (ECONNRESET expected);
 *   - reads from port 5002, whose server says one line and closes first (EOF expected);
 *   - makes ROUND_TRIPS small request/response exchanges with port 5003 (an echo);
 *   - sends a datagram to UDP port 5004 over IPv6 and waits for its echo.
 * Each step prints one "step: result" line the test checks.
 */
#include <stdio.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/socket.h>

#define TRANSFER (1024 * 1024)
#define ROUND_TRIPS 200

static uint8_t chunk[1024];

static uint8_t pattern(uint32_t offset)
{
	return (uint8_t)((offset * 7u) ^ (offset >> 8));
}

static int connect_to(int port)
{
	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, CONFIG_NET_CONFIG_PEER_IPV4_ADDR, &peer.sin_addr);
	int sock = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

	if (sock < 0) {
		return -errno;
	}
	if (connect(sock, (struct sockaddr *)&peer, sizeof(peer)) < 0) {
		int error = errno;

		close(sock);
		return -error;
	}
	return sock;
}

static void refused(void)
{
	int sock = connect_to(5009);

	printf("refused: %s\n", sock == -ECONNREFUSED ? "ECONNREFUSED" : "other");
	if (sock >= 0) {
		close(sock);
	}
}

static void transfer(void)
{
	int sock = connect_to(5000);

	if (sock < 0) {
		printf("transfer: connect errno %d\n", -sock);
		return;
	}
	uint32_t sent = 0;

	while (sent < TRANSFER) {
		size_t size = MIN(sizeof(chunk), TRANSFER - sent);

		for (size_t index = 0; index < size; index++) {
			chunk[index] = pattern(sent + index);
		}
		ssize_t now = send(sock, chunk, size, 0);

		if (now < 0) {
			printf("transfer: send errno %d\n", errno);
			close(sock);
			return;
		}
		sent += (uint32_t)now;
	}
	shutdown(sock, SHUT_WR);
	uint32_t received = 0;
	bool intact = true;

	for (;;) {
		ssize_t now = recv(sock, chunk, sizeof(chunk), 0);

		if (now <= 0) {
			break;
		}
		for (ssize_t index = 0; index < now; index++) {
			intact &= chunk[index] == pattern(received + (uint32_t)index);
		}
		received += (uint32_t)now;
	}
	close(sock);
	printf("transfer: sent %u received %u %s\n", sent, received,
	       intact && received == TRANSFER ? "intact" : "damaged");
}

static void reset(void)
{
	int sock = connect_to(5001);

	if (sock < 0) {
		printf("reset: connect errno %d\n", -sock);
		return;
	}
	ssize_t now;

	do {
		now = recv(sock, chunk, sizeof(chunk), 0);
	} while (now > 0);
	printf("reset: %s\n", now < 0 && errno == ECONNRESET ? "ECONNRESET" : "other");
	close(sock);
}

static void peer_closes(void)
{
	int sock = connect_to(5002);

	if (sock < 0) {
		printf("peer-closes: connect errno %d\n", -sock);
		return;
	}
	char line[64] = { 0 };
	ssize_t got = recv(sock, line, sizeof(line) - 1, MSG_WAITALL);
	ssize_t end = recv(sock, chunk, sizeof(chunk), 0);

	line[got > 0 ? got : 0] = '\0';
	printf("peer-closes: got %d bytes \"%s\", then %d\n", (int)got, strtok(line, "\n"),
	       (int)end);
	ssize_t late = send(sock, "late", 4, 0);

	printf("peer-closes: a send after the peer's close gives %d\n", late >= 0 ? 0 : -1);
	close(sock);
}

static void round_trips(void)
{
	int sock = connect_to(5003);

	if (sock < 0) {
		printf("round-trips: connect errno %d\n", -sock);
		return;
	}
	int one = 1;

	setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	int done = 0;

	for (; done < ROUND_TRIPS; done++) {
		char request[16];
		char answer[16];
		int length = snprintf(request, sizeof(request), "ping %d\n", done);

		if (send(sock, request, length, 0) != length ||
		    recv(sock, answer, length, MSG_WAITALL) != length ||
		    memcmp(request, answer, length) != 0) {
			break;
		}
	}
	close(sock);
	printf("round-trips: %d of %d\n", done, ROUND_TRIPS);
}

static void udp6(void)
{
	struct sockaddr_in6 peer = { .sin6_family = AF_INET6, .sin6_port = htons(5004) };

	inet_pton(AF_INET6, CONFIG_NET_CONFIG_PEER_IPV6_ADDR, &peer.sin6_addr);
	int sock = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
	struct timeval wait = { .tv_sec = 1 };

	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
	for (int attempt = 0; attempt < 5; attempt++) {
		sendto(sock, "six\n", 4, 0, (struct sockaddr *)&peer, sizeof(peer));
		struct sockaddr_in6 source;
		socklen_t length = sizeof(source);
		char answer[16];
		ssize_t got = recvfrom(sock, answer, sizeof(answer), 0,
				       (struct sockaddr *)&source, &length);

		if (got > 0) {
			char text[INET6_ADDRSTRLEN];

			inet_ntop(AF_INET6, &source.sin6_addr, text, sizeof(text));
			printf("udp6: %d bytes from %s family %s\n", (int)got, text,
			       source.sin6_family == AF_INET6 && length == sizeof(source)
				       ? "inet6" : "other");
			close(sock);
			return;
		}
	}
	printf("udp6: no answer\n");
	close(sock);
}

int main(void)
{
	refused();
	transfer();
	reset();
	peer_closes();
	round_trips();
	udp6();
	printf("tcp_client: done\n");
	return 0;
}
