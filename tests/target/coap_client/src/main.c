/* A CoAP client (coap_client_req) against servers on the host, reached through the
 * gateway (192.0.2.2 stands for the host's loopback).  The console gives three ports:
 * an aiocoap server, a hostile server, and one where nothing listens.  Each exchange
 * prints what its callback saw. */
#include <stdlib.h>
#include <string.h>
#include <zephyr/drivers/uart.h>
#include <zephyr/kernel.h>
#include <zephyr/net/coap_client.h>
#include <zephyr/net/socket.h>

static const struct device *const console = DEVICE_DT_GET(DT_CHOSEN(zephyr_console));
static struct coap_client client;
static K_SEM_DEFINE(done, 0, 1);
static int16_t last_code;
static size_t received;
static int callbacks;
static char first_bytes[16];

static void on_response(int16_t code, size_t offset, const uint8_t *payload, size_t len,
			bool last_block, void *user_data)
{
	const char *name = user_data;

	callbacks++;
	last_code = code;
	if (offset == 0 && payload != NULL) {
		size_t n = MIN(len, sizeof(first_bytes) - 1);

		memcpy(first_bytes, payload, n);
		first_bytes[n] = '\0';
	}
	if (code >= 0) {
		received = offset + len;
	}
	printk("%s: code %d offset %u len %u%s\n", name, code, (unsigned int)offset,
	       (unsigned int)len, last_block ? " last" : "");
	if (last_block || (strcmp(name, "obs") == 0 && callbacks == 3)) {
		k_sem_give(&done);
	}
}

static int read_ports(uint16_t ports[3])
{
	char line[40];
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
	char *rest = line;

	for (int i = 0; i < 3; i++) {
		ports[i] = (uint16_t)strtoul(rest, &rest, 10);
	}
	return ports[2] != 0 ? 0 : -EINVAL;
}

static int exchange(int sock, uint16_t port, struct coap_client_request *request,
		    struct coap_transmission_parameters *params)
{
	struct sockaddr_in server = { .sin_family = AF_INET, .sin_port = htons(port) };

	zsock_inet_pton(AF_INET, "192.0.2.2", &server.sin_addr);
	callbacks = 0;
	received = 0;
	first_bytes[0] = '\0';
	int ret = coap_client_req(&client, sock, (struct sockaddr *)&server, request, params);

	if (ret < 0) {
		printk("%s: request failed %d\n", (const char *)request->user_data, ret);
		return ret;
	}
	return k_sem_take(&done, K_SECONDS(60));
}

int main(void)
{
	static uint8_t upload[600];
	uint16_t ports[3];

	if (read_ports(ports) < 0 || coap_client_init(&client, NULL) < 0) {
		printk("no ports\n");
		return 0;
	}
	int sock = zsock_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	struct coap_client_request get = {
		.method = COAP_METHOD_GET, .confirmable = true, .path = "hello",
		.cb = on_response, .user_data = "hello",
	};

	exchange(sock, ports[0], &get, NULL);
	printk("hello says %s\n", first_bytes);

	struct coap_client_request put = {
		.method = COAP_METHOD_PUT, .confirmable = false, .path = "store",
		.fmt = COAP_CONTENT_FORMAT_TEXT_PLAIN, .payload = (uint8_t *)"abc", .len = 3,
		.cb = on_response, .user_data = "store",
	};

	exchange(sock, ports[0], &put, NULL);

	struct coap_client_request big = {
		.method = COAP_METHOD_GET, .confirmable = true, .path = "big",
		.cb = on_response, .user_data = "big",
	};

	exchange(sock, ports[0], &big, NULL);
	printk("big: %u bytes\n", (unsigned int)received);

	for (size_t i = 0; i < sizeof(upload); i++) {
		upload[i] = (uint8_t)('A' + i % 26);
	}
	struct coap_client_request post = {
		.method = COAP_METHOD_POST, .confirmable = true, .path = "upload",
		.fmt = COAP_CONTENT_FORMAT_APP_OCTET_STREAM, .payload = upload,
		.len = sizeof(upload), .cb = on_response, .user_data = "upload",
	};

	exchange(sock, ports[0], &post, NULL);

	struct coap_client_option observe = { .code = COAP_OPTION_OBSERVE, .len = 0 };
	struct coap_client_request obs = {
		.method = COAP_METHOD_GET, .confirmable = true, .path = "obs",
		.options = &observe, .num_options = 1, .cb = on_response, .user_data = "obs",
	};

	exchange(sock, ports[0], &obs, NULL);
	coap_client_cancel_requests(&client);
	k_sem_reset(&done);
	printk("obs: %d notifications\n", callbacks);

	/* Quick retransmissions for the hostile and the silent server. */
	struct coap_transmission_parameters quick = {
		.ack_timeout = 300, .coap_backoff_percent = 200, .max_retransmission = 3,
	};
	struct coap_client_request evil = {
		.method = COAP_METHOD_GET, .confirmable = true, .path = "evil",
		.cb = on_response, .user_data = "evil",
	};

	exchange(sock, ports[1], &evil, &quick);
	printk("evil: code %d says %s\n", last_code, first_bytes);

	struct coap_client_request silent = {
		.method = COAP_METHOD_GET, .confirmable = true, .path = "silent",
		.cb = on_response, .user_data = "silent",
	};
	int64_t started = k_uptime_get();

	exchange(sock, ports[2], &silent, &quick);
	printk("silent: code %d after %d ms\n", last_code, (int)(k_uptime_get() - started));
	printk("client done\n");
	return 0;
}
