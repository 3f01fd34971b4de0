/* coap_client_req over DTLS, as Zephyr documents it: the application's own connected
 * DTLS socket (a pre-shared key from the credential store) and a NULL address.  The
 * console gives the host server's DTLS port; the client PUTs then GETs /example_data and
 * lists /.well-known/core, printing what each callback saw. */
#include <stdlib.h>
#include <string.h>
#include <zephyr/drivers/uart.h>
#include <zephyr/kernel.h>
#include <zephyr/net/coap_client.h>
#include <zephyr/net/socket.h>
#include <zephyr/net/tls_credentials.h>

#define PSK_TAG 7
static const unsigned char psk[] = "levante-coap-psk";
static const char psk_id[] = "levante-client";
static const sec_tag_t tags[] = { PSK_TAG };

static const struct device *const console = DEVICE_DT_GET(DT_CHOSEN(zephyr_console));
static struct coap_client client;
static K_SEM_DEFINE(done, 0, 1);
static char body[200];

static void on_response(int16_t code, size_t offset, const uint8_t *payload, size_t len,
			bool last_block, void *user_data)
{
	if (payload != NULL && offset + len < sizeof(body)) {
		memcpy(body + offset, payload, len);
		body[offset + len] = '\0';
	}
	printk("%s: code %d len %u%s\n", (const char *)user_data, code, (unsigned int)len,
	       last_block ? " last" : "");
	if (last_block || code < 0) {
		k_sem_give(&done);
	}
}

static uint16_t read_port(void)
{
	char line[12];
	size_t used = 0;
	unsigned char c;

	while (used < sizeof(line) - 1) {
		if (uart_poll_in(console, &c) != 0) {
			k_msleep(10);
			continue;
		}
		if (c == '\n') {
			break;
		}
		line[used++] = (char)c;
	}
	line[used] = '\0';
	return (uint16_t)strtoul(line, NULL, 10);
}

static void exchange(int sock, struct coap_client_request *request)
{
	body[0] = '\0';
	int ret = coap_client_req(&client, sock, NULL, request, NULL);

	if (ret < 0) {
		printk("%s: request failed %d\n", (const char *)request->user_data, ret);
		return;
	}
	(void)k_sem_take(&done, K_SECONDS(60));
}

int main(void)
{
	struct sockaddr_in server = { .sin_family = AF_INET, .sin_port = htons(read_port()) };
	int sock = zsock_socket(AF_INET, SOCK_DGRAM, IPPROTO_DTLS_1_2);

	/* A handshake the server never completes (the wrong key) gives up after
	 * 1 + 2 + 4 s of retransmissions rather than mbedTLS's 60 s ceiling. */
	uint32_t handshake_max_ms = 4000;

	zsock_inet_pton(AF_INET, "192.0.2.2", &server.sin_addr);
	if (sock < 0 || coap_client_init(&client, NULL) < 0 ||
	    tls_credential_add(PSK_TAG, TLS_CREDENTIAL_PSK, psk, sizeof(psk) - 1) < 0 ||
	    tls_credential_add(PSK_TAG, TLS_CREDENTIAL_PSK_ID, psk_id, sizeof(psk_id) - 1) < 0 ||
	    zsock_setsockopt(sock, SOL_TLS, TLS_SEC_TAG_LIST, tags, sizeof(tags)) < 0 ||
	    zsock_setsockopt(sock, SOL_TLS, TLS_DTLS_HANDSHAKE_TIMEOUT_MAX, &handshake_max_ms,
			     sizeof(handshake_max_ms)) < 0 ||
	    zsock_connect(sock, (struct sockaddr *)&server, sizeof(server)) < 0) {
		printk("setup failed %d\n", errno);
		return 0;
	}
	printk("handshake done\n");

	struct coap_client_request put = {
		.method = COAP_METHOD_PUT, .confirmable = true, .path = "example_data",
		.fmt = COAP_CONTENT_FORMAT_TEXT_PLAIN, .payload = (uint8_t *)"from levante",
		.len = 12, .cb = on_response, .user_data = "put",
	};
	struct coap_client_request get = {
		.method = COAP_METHOD_GET, .confirmable = true, .path = "example_data",
		.cb = on_response, .user_data = "get",
	};
	struct coap_client_request core = {
		.method = COAP_METHOD_GET, .confirmable = true, .path = ".well-known/core",
		.cb = on_response, .user_data = "core",
	};

	exchange(sock, &put);
	exchange(sock, &get);
	printk("example_data is %s\n", body);
	exchange(sock, &core);
	printk("core lists time: %s\n", strstr(body, "</time>") != NULL ? "yes" : "no");
	zsock_close(sock);
	printk("client done\n");
	return 0;
}
