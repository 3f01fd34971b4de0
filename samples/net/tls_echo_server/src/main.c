/* tls_echo_server: serves port 4433 over TLS (DTLS with overlay-dtls.conf; over IPv6
 * with overlay-ipv6.conf) with the certificate and key given at build time, and sends back whatever a client sends,
 * one client after another. */
#include <errno.h>
#include <zephyr/kernel.h>
#include <zephyr/net/socket.h>
#include <zephyr/net/tls_credentials.h>

#define SERVER_TAG 2
#define PORT 4433

static const unsigned char server_certificate[] = {
#include "server_certificate.inc"
};
static const unsigned char server_key[] = {
#include "server_key.inc"
};

static char buffer[1024];

#if defined(CONFIG_NET_CONFIG_NEED_IPV6)
#define FAMILY AF_INET6
#else
#define FAMILY AF_INET
#endif

/* Echo until the client closes (0) or fails; returns what ended it. */
static int echo(int fd)
{
	for (;;) {
		ssize_t got = recv(fd, buffer, sizeof(buffer), 0);

		if (got <= 0) {
			return got < 0 ? -errno : 0;
		}
		printk("tls_echo_server: echoing %d bytes\n", (int)got);
		for (ssize_t sent = 0; sent < got;) {
			ssize_t now = send(fd, buffer + sent, got - sent, 0);

			if (now < 0) {
				return -errno;
			}
			sent += now;
		}
	}
}

static int open_server(bool dtls)
{
	sec_tag_t tags[] = { SERVER_TAG };
	int role = TLS_DTLS_ROLE_SERVER;
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	struct sockaddr_in6 any6 = { .sin6_family = AF_INET6, .sin6_port = htons(PORT) };
	struct sockaddr *where = FAMILY == AF_INET6 ? (struct sockaddr *)&any6
						     : (struct sockaddr *)&any;
	socklen_t where_length = FAMILY == AF_INET6 ? sizeof(any6) : sizeof(any);
	int fd = socket(FAMILY, dtls ? SOCK_DGRAM : SOCK_STREAM,
			dtls ? IPPROTO_DTLS_1_2 : IPPROTO_TLS_1_2);

	if (fd < 0 || setsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, tags, sizeof(tags)) < 0 ||
	    (dtls && setsockopt(fd, SOL_TLS, TLS_DTLS_ROLE, &role, sizeof(role)) < 0) ||
	    bind(fd, where, where_length) < 0 || (!dtls && listen(fd, 1) < 0)) {
		printk("tls_echo_server: cannot serve port %d: errno %d\n", PORT, errno);
		return -1;
	}
	return fd;
}

int main(void)
{
	bool dtls = IS_ENABLED(CONFIG_NET_SOCKETS_ENABLE_DTLS);

	if (tls_credential_add(SERVER_TAG, TLS_CREDENTIAL_SERVER_CERTIFICATE, server_certificate,
			       sizeof(server_certificate)) < 0 ||
	    tls_credential_add(SERVER_TAG, TLS_CREDENTIAL_PRIVATE_KEY, server_key,
			       sizeof(server_key)) < 0) {
		printk("tls_echo_server: the credentials were refused\n");
		return 0;
	}
	int fd = open_server(dtls);

	if (fd < 0) {
		return 0;
	}
	printk("tls_echo_server: serving port %d over %s and %s\n", PORT, dtls ? "DTLS" : "TLS",
	       FAMILY == AF_INET6 ? "IPv6" : "IPv4");
	for (;;) {
		if (dtls) {
			/* A DTLS server's socket serves one client at a time: the next one
			 * is taken once this one closed. */
			printk("tls_echo_server: client done (%d)\n", echo(fd));
			continue;
		}
		int client = accept(fd, NULL, NULL);

		if (client < 0) {
			printk("tls_echo_server: accept failed: errno %d\n", errno);
			continue;
		}
		printk("tls_echo_server: client connected\n");
		printk("tls_echo_server: client done (%d)\n", echo(client));
		close(client);
	}
	return 0;
}
