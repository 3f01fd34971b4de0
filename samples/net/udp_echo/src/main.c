/*
 * UDP echo: every datagram to port 4242 goes back to its sender.  Then, as a client,
 * one datagram to the configured peer's port 4243, to show the other direction.
 */
#include <stdio.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/socket.h>

#define ECHO_PORT 4242
#define PEER_PORT 4243

static char buffer[1500];

int main(void)
{
	struct sockaddr_in local = {
		.sin_family = AF_INET,
		.sin_port = htons(ECHO_PORT),
		.sin_addr = { .s_addr = htonl(INADDR_ANY) },
	};
	int sock = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	if (sock < 0 || bind(sock, (struct sockaddr *)&local, sizeof(local)) < 0) {
		printf("udp_echo: cannot bind port %d (errno %d)\n", ECHO_PORT, errno);
		return 0;
	}

	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(PEER_PORT) };

	inet_pton(AF_INET, CONFIG_NET_CONFIG_PEER_IPV4_ADDR, &peer.sin_addr);
	static const char hello[] = "hello from levante\n";

	if (sendto(sock, hello, strlen(hello), 0, (struct sockaddr *)&peer, sizeof(peer)) < 0) {
		printf("udp_echo: cannot send to the peer (errno %d)\n", errno);
	}
	printf("udp_echo: echoing UDP port %d\n", ECHO_PORT);

	for (;;) {
		struct sockaddr_in source;
		socklen_t source_length = sizeof(source);
		ssize_t received = recvfrom(sock, buffer, sizeof(buffer), 0,
					    (struct sockaddr *)&source, &source_length);

		if (received < 0) {
			printf("udp_echo: recvfrom failed (errno %d)\n", errno);
			break;
		}
		char text[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &source.sin_addr, text, sizeof(text));
		printf("udp_echo: %d bytes from %s:%d\n", (int)received, text,
		       ntohs(source.sin_port));
		if (sendto(sock, buffer, (size_t)received, 0, (struct sockaddr *)&source,
			   source_length) < 0) {
			printf("udp_echo: sendto failed (errno %d)\n", errno);
		}
	}
	close(sock);
	return 0;
}
