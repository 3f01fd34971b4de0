/*
 * TCP echo: every byte a client sends to port 4242 comes back to it.  One thread serves
 * the listening sockets (IPv4, and IPv6 when it is enabled) and up to MAX_CLIENTS
 * connections with poll(); a connection ends when its client closes it.
 */
#include <stdio.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/socket.h>

#define ECHO_PORT 4242
#define MAX_LISTENERS 2
#define MAX_CLIENTS 4

static struct pollfd fds[MAX_LISTENERS + MAX_CLIENTS];
static int listeners;
static char buffer[1024];

static int listen_on(int family)
{
	struct sockaddr_storage local = { 0 };
	socklen_t length;

	if (family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&local;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(ECHO_PORT);
		length = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&local;

		in->sin_family = AF_INET;
		in->sin_port = htons(ECHO_PORT);
		length = sizeof(*in);
	}
	int sock = socket(family, SOCK_STREAM, IPPROTO_TCP);

	if (sock < 0 || bind(sock, (struct sockaddr *)&local, length) < 0 ||
	    listen(sock, MAX_CLIENTS) < 0) {
		printf("tcp_echo: cannot listen on port %d (family %d, errno %d)\n", ECHO_PORT,
		       family, errno);
		if (sock >= 0) {
			close(sock);
		}
		return -1;
	}
	return sock;
}

static void take_client(int listener)
{
	struct sockaddr_storage peer;
	socklen_t peer_length = sizeof(peer);
	int client = accept(listener, (struct sockaddr *)&peer, &peer_length);

	if (client < 0) {
		printf("tcp_echo: accept failed (errno %d)\n", errno);
		return;
	}
	char text[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (peer.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&peer;

		inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
		port = ntohs(in6->sin6_port);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&peer;

		inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
		port = ntohs(in->sin_port);
	}
	for (int slot = listeners; slot < MAX_LISTENERS + MAX_CLIENTS; slot++) {
		if (fds[slot].fd < 0) {
			fds[slot].fd = client;
			fds[slot].events = POLLIN;
			printf("tcp_echo: connection from %s port %d\n", text, port);
			return;
		}
	}
	printf("tcp_echo: too many clients, closing the one from %s\n", text);
	close(client);
}

/* Echo what a client sent; false once the connection is over. */
static bool echo(int client)
{
	ssize_t received = recv(client, buffer, sizeof(buffer), 0);

	if (received <= 0) {
		if (received < 0) {
			printf("tcp_echo: recv failed (errno %d)\n", errno);
		}
		return false;
	}
	for (ssize_t sent = 0; sent < received;) {
		ssize_t now = send(client, buffer + sent, (size_t)(received - sent), 0);

		if (now < 0) {
			printf("tcp_echo: send failed (errno %d)\n", errno);
			return false;
		}
		sent += now;
	}
	return true;
}

int main(void)
{
	for (int slot = 0; slot < MAX_LISTENERS + MAX_CLIENTS; slot++) {
		fds[slot].fd = -1;
	}
	int families[] = { AF_INET, AF_INET6 };

	for (int index = 0; index < MAX_LISTENERS; index++) {
		if (families[index] == AF_INET6 && !IS_ENABLED(CONFIG_NET_IPV6)) {
			continue;
		}
		int sock = listen_on(families[index]);

		if (sock >= 0) {
			fds[listeners].fd = sock;
			fds[listeners].events = POLLIN;
			listeners++;
		}
	}
	if (listeners == 0) {
		return 0;
	}
	printf("tcp_echo: echoing TCP port %d\n", ECHO_PORT);

	for (;;) {
		if (poll(fds, MAX_LISTENERS + MAX_CLIENTS, -1) < 0) {
			printf("tcp_echo: poll failed (errno %d)\n", errno);
			return 0;
		}
		for (int slot = 0; slot < MAX_LISTENERS + MAX_CLIENTS; slot++) {
			if (fds[slot].fd < 0 || fds[slot].revents == 0) {
				continue;
			}
			if (slot < listeners) {
				take_client(fds[slot].fd);
			} else if (!echo(fds[slot].fd)) {
				close(fds[slot].fd);
				fds[slot].fd = -1;
				printf("tcp_echo: connection closed\n");
			}
		}
	}
	return 0;
}
