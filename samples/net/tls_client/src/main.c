/* tls_client: connects to the configured peer's port 4433 over TLS (DTLS with
 * overlay-dtls.conf; over IPv6 to the IPv6 peer with overlay-ipv6.conf), verifies its
 * certificate against the CA given at build time and the name TLS_SERVER_NAME, sends
 * one line and prints the answer. */
#include <errno.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/socket.h>
#include <zephyr/net/tls_credentials.h>

#define CA_TAG 1
#define SERVER_PORT 4433

static const unsigned char ca_certificate[] = {
#include "ca_certificate.inc"
};

static const char hello[] = "hello from levante\n";

#if defined(CONFIG_NET_CONFIG_NEED_IPV6)
#define FAMILY AF_INET6
#define PEER CONFIG_NET_CONFIG_PEER_IPV6_ADDR
#else
#define FAMILY AF_INET
#define PEER CONFIG_NET_CONFIG_PEER_IPV4_ADDR
#endif

/* The peer's address in the family the build chose; its length, 0 when PEER is bad. */
static socklen_t peer_address(struct sockaddr_storage *peer)
{
	if (FAMILY == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)peer;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(SERVER_PORT);
		return inet_pton(AF_INET6, PEER, &in6->sin6_addr) == 1 ? sizeof(*in6) : 0;
	}
	struct sockaddr_in *in = (struct sockaddr_in *)peer;

	in->sin_family = AF_INET;
	in->sin_port = htons(SERVER_PORT);
	return inet_pton(AF_INET, PEER, &in->sin_addr) == 1 ? sizeof(*in) : 0;
}

static int open_connection(bool dtls)
{
	sec_tag_t tags[] = { CA_TAG };
	struct sockaddr_storage server = { 0 };
	socklen_t server_length = peer_address(&server);
	int fd = socket(FAMILY, dtls ? SOCK_DGRAM : SOCK_STREAM,
			dtls ? IPPROTO_DTLS_1_2 : IPPROTO_TLS_1_2);

	if (fd < 0) {
		printk("tls_client: socket failed: errno %d\n", errno);
		return -1;
	}
	if (server_length == 0) {
		printk("tls_client: the peer address %s is not an address\n", PEER);
		close(fd);
		return -1;
	}
	if (setsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, tags, sizeof(tags)) < 0 ||
	    setsockopt(fd, SOL_TLS, TLS_HOSTNAME, TLS_SERVER_NAME, sizeof(TLS_SERVER_NAME)) < 0) {
		printk("tls_client: setsockopt failed: errno %d\n", errno);
		close(fd);
		return -1;
	}
	printk("tls_client: connecting to %s port %d over %s, expecting %s\n", PEER,
	       SERVER_PORT, dtls ? "DTLS" : "TLS", TLS_SERVER_NAME);
	int connected = connect(fd, (struct sockaddr *)&server, server_length);

	/* An IPv6 address is usable once Duplicate Address Detection has ended (a second
	 * after the link came up): until then connect answers ENETUNREACH. */
	for (int tries = 0; connected < 0 && errno == ENETUNREACH && tries < 50; tries++) {
		k_sleep(K_MSEC(100));
		connected = connect(fd, (struct sockaddr *)&server, server_length);
	}
	if (connected < 0) {
		printk("tls_client: connect failed: errno %d\n", errno);
		close(fd);
		return -1;
	}
	return fd;
}

int main(void)
{
	bool dtls = IS_ENABLED(CONFIG_NET_SOCKETS_ENABLE_DTLS);
	char answer[128];
	int suite = 0;
	socklen_t length = sizeof(suite);
	int err = tls_credential_add(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE, ca_certificate,
				     sizeof(ca_certificate));

	if (err < 0) {
		printk("tls_client: tls_credential_add failed: %d\n", err);
		return 0;
	}
	int fd = open_connection(dtls);

	if (fd < 0) {
		return 0;
	}
	(void)getsockopt(fd, SOL_TLS, TLS_CIPHERSUITE_USED, &suite, &length);
	printk("tls_client: connected, ciphersuite 0x%04x\n", suite);
	if (send(fd, hello, strlen(hello), 0) < 0) {
		printk("tls_client: send failed: errno %d\n", errno);
	} else {
		ssize_t got = recv(fd, answer, sizeof(answer) - 1, 0);

		if (got < 0) {
			printk("tls_client: recv failed: errno %d\n", errno);
		} else {
			answer[got] = '\0';
			printk("tls_client: received %d bytes: %s", (int)got, answer);
		}
	}
	close(fd);
	printk("tls_client: closed\n");
	return 0;
}
