/* Two CoAP servers as applications write them.  Port 5683: main's own socket loop, as
 * Zephyr's older coap_server sample has it -- zsock_recvfrom, coap_packet_parse (the
 * kernel's parse), coap_handle_request over an array of resources (/.well-known/core,
 * /test with GET, PUT, POST and DELETE, /ro with GET only), and the answers the dispatch
 * leaves to the application: 4.04 (-ENOENT), 4.05 (-EPERM, and -ENOTSUP for a class-0
 * code no method has; a response is not answered).  Port 5685:
 * a COAP_SERVICE_DEFINE service with 24 resources, whose /.well-known/core listing
 * (CONFIG_COAP_WELL_KNOWN_BLOCK_WISE, 64-byte blocks) is far larger than one message. */
#include <stdio.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/coap_link_format.h>
#include <zephyr/net/coap_service.h>
#include <zephyr/net/socket.h>

#define OWN_PORT 5683
#define MAX_OPTIONS 16

static int own_fd = -1;
static char stored[64] = "hello";

static int send_reply(struct coap_packet *request, const struct sockaddr *addr,
		      socklen_t addr_len, uint8_t code, const char *text)
{
	uint8_t buffer[128];
	struct coap_packet response;
	int r = coap_ack_init(&response, request, buffer, sizeof(buffer), code);

	if (r == 0 && text != NULL) {
		r = coap_append_option_int(&response, COAP_OPTION_CONTENT_FORMAT,
					   COAP_CONTENT_FORMAT_TEXT_PLAIN);
		r = r ?: coap_packet_append_payload_marker(&response);
		r = r ?: coap_packet_append_payload(&response, (const uint8_t *)text,
						    (uint16_t)strlen(text));
	}
	if (r == 0 && zsock_sendto(own_fd, buffer, response.offset, 0, addr, addr_len) < 0) {
		r = -errno;
	}
	return r;
}

static int well_known_get(struct coap_resource *resource, struct coap_packet *request,
			  struct sockaddr *addr, socklen_t addr_len)
{
	uint8_t buffer[256];
	struct coap_packet response;
	int r = coap_well_known_core_get(resource, request, &response, buffer, sizeof(buffer));

	if (r < 0) {
		printk("own: well-known/core %d\n", r);
		return send_reply(request, addr, addr_len,
				  r == -EINVAL ? COAP_RESPONSE_CODE_BAD_OPTION
					       : COAP_RESPONSE_CODE_INTERNAL_ERROR, NULL);
	}
	return zsock_sendto(own_fd, buffer, response.offset, 0, addr, addr_len) < 0 ? -errno : 0;
}

static int test_get(struct coap_resource *resource, struct coap_packet *request,
		    struct sockaddr *addr, socklen_t addr_len)
{
	return send_reply(request, addr, addr_len, COAP_RESPONSE_CODE_CONTENT, stored);
}

static int test_put(struct coap_resource *resource, struct coap_packet *request,
		    struct sockaddr *addr, socklen_t addr_len)
{
	uint16_t length = 0;
	const uint8_t *payload = coap_packet_get_payload(request, &length);

	if (payload == NULL || length >= sizeof(stored)) {
		return send_reply(request, addr, addr_len, COAP_RESPONSE_CODE_BAD_REQUEST, NULL);
	}
	memcpy(stored, payload, length);
	stored[length] = '\0';
	printk("own: PUT /test %s\n", stored);
	return send_reply(request, addr, addr_len, COAP_RESPONSE_CODE_CHANGED, NULL);
}

static int test_post(struct coap_resource *resource, struct coap_packet *request,
		     struct sockaddr *addr, socklen_t addr_len)
{
	return send_reply(request, addr, addr_len, COAP_RESPONSE_CODE_CREATED, "made");
}

static int test_delete(struct coap_resource *resource, struct coap_packet *request,
		       struct sockaddr *addr, socklen_t addr_len)
{
	stored[0] = '\0';
	return send_reply(request, addr, addr_len, COAP_RESPONSE_CODE_DELETED, NULL);
}

static int ro_get(struct coap_resource *resource, struct coap_packet *request,
		  struct sockaddr *addr, socklen_t addr_len)
{
	return send_reply(request, addr, addr_len, COAP_RESPONSE_CODE_CONTENT, "fixed");
}

static const char *const test_path[] = { "test", NULL };
static const char *const ro_path[] = { "ro", NULL };
static const char *const test_attributes[] = { "rt=\"store\"", "title=\"the text PUT stores\"",
					       NULL };
static const char *const ro_attributes[] = { "rt=\"constant\"", NULL };
static struct coap_core_metadata test_meta = { .attributes = test_attributes };
static struct coap_core_metadata ro_meta = { .attributes = ro_attributes };

/* Zephyr's layout: /.well-known/core first, the array ends with a NULL path. */
static struct coap_resource resources[] = {
	{ .get = well_known_get, .path = COAP_WELL_KNOWN_CORE_PATH },
	{ .get = test_get, .put = test_put, .post = test_post, .del = test_delete,
	  .path = test_path, .user_data = &test_meta },
	{ .get = ro_get, .path = ro_path, .user_data = &ro_meta },
	{ .path = NULL },
};

static void serve(void)
{
	static uint8_t data[256];
	struct sockaddr_storage peer;
	socklen_t peer_len = sizeof(peer);
	struct coap_option options[MAX_OPTIONS];
	struct coap_packet request;
	ssize_t received = zsock_recvfrom(own_fd, data, sizeof(data), 0,
					  (struct sockaddr *)&peer, &peer_len);

	if (received < 0) {
		return;
	}
	int r = coap_packet_parse(&request, data, (uint16_t)received, options, MAX_OPTIONS);

	if (r < 0) {
		printk("own: parse %d\n", r);
		return;
	}
	if (coap_header_get_type(&request) == COAP_TYPE_CON &&
	    coap_header_get_code(&request) == COAP_CODE_EMPTY) {
		/* A CoAP ping (RFC 7252 §4.3): a Reset with its Message ID. */
		uint8_t reset[4];
		struct coap_packet pong;

		if (coap_packet_init(&pong, reset, sizeof(reset), COAP_VERSION_1, COAP_TYPE_RESET,
				     0, NULL, COAP_CODE_EMPTY, coap_header_get_id(&request)) == 0) {
			(void)zsock_sendto(own_fd, reset, pong.offset, 0, (struct sockaddr *)&peer,
					   peer_len);
		}
		return;
	}
	r = coap_handle_request(&request, resources, options, (uint8_t)r,
				(struct sockaddr *)&peer, peer_len);
	printk("own: handled %d\n", r);
	switch (r) {
	case -ENOENT:
		(void)send_reply(&request, (struct sockaddr *)&peer, peer_len,
				 COAP_RESPONSE_CODE_NOT_FOUND, NULL);
		break;
	case -EPERM:
		(void)send_reply(&request, (struct sockaddr *)&peer, peer_len,
				 COAP_RESPONSE_CODE_NOT_ALLOWED, NULL);
		break;
	case -ENOTSUP:
		/* No request: a class-0 code no method has gets 4.05 (RFC 7252 §5.8); a
		 * response or an empty message, nothing. */
		if ((coap_header_get_code(&request) >> 5) == 0U &&
		    coap_header_get_code(&request) != COAP_CODE_EMPTY) {
			(void)send_reply(&request, (struct sockaddr *)&peer, peer_len,
					 COAP_RESPONSE_CODE_NOT_ALLOWED, NULL);
		}
		break;
	default:
		break;
	}
}

/* ---- the service with many resources --------------------------------------------------- */

static uint16_t many_port = 5685;
COAP_SERVICE_DEFINE(many, NULL, &many_port, COAP_SERVICE_AUTOSTART);

static const char *const temperature_attributes[] = { "rt=\"temperature\"", "if=\"sensor\"",
						      NULL };
static const char *const humidity_attributes[] = { "rt=\"humidity\"", "if=\"sensor\"", NULL };
static struct coap_core_metadata temperature = { .attributes = temperature_attributes };
static struct coap_core_metadata humidity = { .attributes = humidity_attributes };

static int sensor_get(struct coap_resource *resource, struct coap_packet *request,
		      struct sockaddr *addr, socklen_t addr_len)
{
	uint8_t buffer[64];
	char text[24];
	struct coap_packet response;

	snprintf(text, sizeof(text), "sensor %s", resource->path[1]);
	int r = coap_ack_init(&response, request, buffer, sizeof(buffer),
			      COAP_RESPONSE_CODE_CONTENT);

	r = r ?: coap_packet_append_payload_marker(&response);
	r = r ?: coap_packet_append_payload(&response, (const uint8_t *)text,
					    (uint16_t)strlen(text));
	return r ?: coap_resource_send(resource, &response, addr, addr_len, NULL);
}

#define SENSOR(n, kind)                                                                    \
	static const char *const sensor_path_##n[] = { "sensor", #n, NULL };               \
	COAP_RESOURCE_DEFINE(sensor_##n, many, {                                           \
		.get = sensor_get, .path = sensor_path_##n, .user_data = &kind,            \
	})

/* 10 to 21 measure temperature, 22 to 33 humidity. */
SENSOR(10, temperature); SENSOR(11, temperature); SENSOR(12, temperature);
SENSOR(13, temperature); SENSOR(14, temperature); SENSOR(15, temperature);
SENSOR(16, temperature); SENSOR(17, temperature); SENSOR(18, temperature);
SENSOR(19, temperature); SENSOR(20, temperature); SENSOR(21, temperature);
SENSOR(22, humidity); SENSOR(23, humidity); SENSOR(24, humidity); SENSOR(25, humidity);
SENSOR(26, humidity); SENSOR(27, humidity); SENSOR(28, humidity); SENSOR(29, humidity);
SENSOR(30, humidity); SENSOR(31, humidity); SENSOR(32, humidity); SENSOR(33, humidity);

int main(void)
{
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(OWN_PORT) };

	own_fd = zsock_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (own_fd < 0 || zsock_bind(own_fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		printk("own: no socket\n");
		return 0;
	}
	printk("coap servers on ports %u and %u\n", OWN_PORT, many_port);
	for (;;) {
		serve();
	}
	return 0;
}
