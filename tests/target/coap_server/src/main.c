/* A CoAP service as a device offers it (COAP_SERVICE_DEFINE on port 5683): /test with
 * GET, PUT, POST and DELETE; /obs, observable, notified every second; /large, 600 bytes
 * in Block2 blocks; /upload, a Block1 PUT of up to 512 bytes.  A user-mode thread
 * answers GET on port 5684 from its own socket, through the same kernel parse. */
#include <stdio.h>
#include <string.h>
#include <zephyr/app_memory/app_memdomain.h>
#include <zephyr/kernel.h>
#include <zephyr/net/coap_service.h>
#include <zephyr/net/socket.h>

static uint16_t coap_port = 5683;
COAP_SERVICE_DEFINE(device, NULL, &coap_port, COAP_SERVICE_AUTOSTART);

static char stored[64] = "hello";
static int observe_counter;
static uint8_t large_body[600];
static uint8_t upload_body[512];
static struct coap_block_context upload;

/* A piggybacked answer: ACK to CON, NON to NON, with an optional text payload. */
static int reply(struct coap_resource *resource, struct coap_packet *request,
		 const struct sockaddr *addr, socklen_t addr_len, uint8_t code,
		 const char *text)
{
	uint8_t buffer[CONFIG_COAP_SERVER_MESSAGE_SIZE];
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint8_t tkl = coap_header_get_token(request, token);
	bool con = coap_header_get_type(request) == COAP_TYPE_CON;
	struct coap_packet response;
	int r = coap_packet_init(&response, buffer, sizeof(buffer), COAP_VERSION_1,
				 con ? COAP_TYPE_ACK : COAP_TYPE_NON_CON, tkl, token, code,
				 con ? coap_header_get_id(request) : coap_next_id());

	if (r == 0 && text != NULL) {
		r = coap_append_option_int(&response, COAP_OPTION_CONTENT_FORMAT,
					   COAP_CONTENT_FORMAT_TEXT_PLAIN);
		r = r ?: coap_packet_append_payload_marker(&response);
		r = r ?: coap_packet_append_payload(&response, (const uint8_t *)text,
						    (uint16_t)strlen(text));
	}
	return r ?: coap_resource_send(resource, &response, addr, addr_len, NULL);
}

static int test_get(struct coap_resource *resource, struct coap_packet *request,
		    struct sockaddr *addr, socklen_t addr_len)
{
	return reply(resource, request, addr, addr_len, COAP_RESPONSE_CODE_CONTENT, stored);
}

static int test_put(struct coap_resource *resource, struct coap_packet *request,
		    struct sockaddr *addr, socklen_t addr_len)
{
	uint16_t length;
	const uint8_t *payload = coap_packet_get_payload(request, &length);

	if (payload == NULL || length >= sizeof(stored)) {
		return COAP_RESPONSE_CODE_BAD_REQUEST;
	}
	memcpy(stored, payload, length);
	stored[length] = '\0';
	printk("PUT /test: %s\n", stored);
	return COAP_RESPONSE_CODE_CHANGED;
}

static int test_post(struct coap_resource *resource, struct coap_packet *request,
		     struct sockaddr *addr, socklen_t addr_len)
{
	return reply(resource, request, addr, addr_len, COAP_RESPONSE_CODE_CREATED, "made");
}

static int test_delete(struct coap_resource *resource, struct coap_packet *request,
		       struct sockaddr *addr, socklen_t addr_len)
{
	stored[0] = '\0';
	return COAP_RESPONSE_CODE_DELETED;
}

static const char *const test_path[] = { "test", NULL };
COAP_RESOURCE_DEFINE(test, device, {
	.get = test_get, .put = test_put, .post = test_post, .del = test_delete,
	.path = test_path,
});

/* ---- /obs: RFC 7641 ------------------------------------------------------------------- */

static int send_counter(struct coap_resource *resource, const struct sockaddr *addr,
			socklen_t addr_len, uint8_t type, uint16_t id, const uint8_t *token,
			uint8_t tkl, int age)
{
	uint8_t buffer[64];
	char text[24];
	struct coap_packet response;
	int r = coap_packet_init(&response, buffer, sizeof(buffer), COAP_VERSION_1, type, tkl,
				 token, COAP_RESPONSE_CODE_CONTENT, id);

	if (r == 0 && age >= 2) {
		r = coap_append_option_int(&response, COAP_OPTION_OBSERVE, (unsigned int)age);
	}
	snprintf(text, sizeof(text), "count %d", observe_counter);
	r = r ?: coap_append_option_int(&response, COAP_OPTION_CONTENT_FORMAT, 0);
	r = r ?: coap_packet_append_payload_marker(&response);
	r = r ?: coap_packet_append_payload(&response, (const uint8_t *)text,
					    (uint16_t)strlen(text));
	return r ?: coap_resource_send(resource, &response, addr, addr_len, NULL);
}

static int obs_get(struct coap_resource *resource, struct coap_packet *request,
		   struct sockaddr *addr, socklen_t addr_len)
{
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint8_t tkl = coap_header_get_token(request, token);
	int observe = coap_resource_parse_observe(resource, request, addr);

	printk("GET /obs: observe %d\n", observe);
	return send_counter(resource, addr, addr_len,
			    coap_header_get_type(request) == COAP_TYPE_CON ? COAP_TYPE_ACK
									   : COAP_TYPE_NON_CON,
			    coap_header_get_id(request), token, tkl,
			    observe == 0 ? resource->age : 0);
}

static void obs_notify(struct coap_resource *resource, struct coap_observer *observer)
{
	/* Every third notification is confirmable (RFC 7641 §4.5: now and then). */
	uint8_t type = observe_counter % 3 == 0 ? COAP_TYPE_CON : COAP_TYPE_NON_CON;

	(void)send_counter(resource, &observer->addr, sizeof(observer->addr), type,
			   coap_next_id(), observer->token, observer->tkl, resource->age);
}

static const char *const obs_path[] = { "obs", NULL };
COAP_RESOURCE_DEFINE(obs, device, {
	.get = obs_get, .notify = obs_notify, .path = obs_path,
});

static void count(struct k_work *work);
static K_WORK_DELAYABLE_DEFINE(counter_work, count);

static void count(struct k_work *work)
{
	extern struct coap_resource obs;

	observe_counter++;
	(void)coap_resource_notify(&obs);
	k_work_reschedule(&counter_work, K_SECONDS(1));
}

/* ---- /large: Block2 (RFC 7959 §2.4) --------------------------------------------------- */

static int large_get(struct coap_resource *resource, struct coap_packet *request,
		     struct sockaddr *addr, socklen_t addr_len)
{
	struct coap_block_context ctx;
	uint8_t buffer[CONFIG_COAP_SERVER_MESSAGE_SIZE];
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint8_t tkl = coap_header_get_token(request, token);
	struct coap_packet response;

	coap_block_transfer_init(&ctx, COAP_BLOCK_64, sizeof(large_body));
	if (coap_update_from_block(request, &ctx) < 0 || ctx.current >= sizeof(large_body)) {
		return COAP_RESPONSE_CODE_BAD_OPTION;
	}
	uint16_t size = coap_block_size_to_bytes(ctx.block_size);
	uint16_t length = (uint16_t)MIN(size, sizeof(large_body) - ctx.current);
	int r = coap_packet_init(&response, buffer, sizeof(buffer), COAP_VERSION_1,
				 COAP_TYPE_ACK, tkl, token, COAP_RESPONSE_CODE_CONTENT,
				 coap_header_get_id(request));

	r = r ?: coap_append_option_int(&response, COAP_OPTION_CONTENT_FORMAT, 42);
	r = r ?: coap_append_block2_option(&response, &ctx);
	r = r ?: coap_append_size2_option(&response, &ctx);
	r = r ?: coap_packet_append_payload_marker(&response);
	r = r ?: coap_packet_append_payload(&response, large_body + ctx.current, length);
	return r ?: coap_resource_send(resource, &response, addr, addr_len, NULL);
}

static const char *const large_path[] = { "large", NULL };
COAP_RESOURCE_DEFINE(large, device, { .get = large_get, .path = large_path });

/* ---- /upload: Block1 (RFC 7959 §2.5) -------------------------------------------------- */

static int upload_put(struct coap_resource *resource, struct coap_packet *request,
		      struct sockaddr *addr, socklen_t addr_len)
{
	uint8_t buffer[64];
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint8_t tkl = coap_header_get_token(request, token);
	struct coap_packet response;
	bool more = false;
	uint32_t number = 0;
	uint16_t length;
	const uint8_t *payload = coap_packet_get_payload(request, &length);
	int size = coap_get_block1_option(request, &more, &number);

	if (size == -ENOENT) {
		upload.current = 0;
		upload.total_size = 0;
	} else if (size < 0) {
		return COAP_RESPONSE_CODE_BAD_OPTION;
	} else if (number == 0) {
		coap_block_transfer_init(&upload, COAP_BLOCK_1024, 0);
	}
	if (size >= 0 && coap_update_from_block(request, &upload) < 0) {
		return COAP_RESPONSE_CODE_INCOMPLETE; /* out of order (RFC 7959 §2.9.2) */
	}
	if (upload.current + length > sizeof(upload_body)) {
		return COAP_RESPONSE_CODE_REQUEST_TOO_LARGE;
	}
	if (payload != NULL) {
		memcpy(upload_body + upload.current, payload, length);
	}
	int r = coap_packet_init(&response, buffer, sizeof(buffer), COAP_VERSION_1,
				 COAP_TYPE_ACK, tkl, token,
				 more ? COAP_RESPONSE_CODE_CONTINUE : COAP_RESPONSE_CODE_CHANGED,
				 coap_header_get_id(request));

	if (r == 0 && size >= 0) {
		r = coap_append_block1_option(&response, &upload);
	}
	if (!more) {
		printk("PUT /upload: %u bytes\n", (unsigned int)(upload.current + length));
	}
	return r ?: coap_resource_send(resource, &response, addr, addr_len, NULL);
}

static const char *const upload_path[] = { "upload", NULL };
COAP_RESOURCE_DEFINE(upload_resource, device, { .put = upload_put, .path = upload_path });

/* ---- over DTLS (overlay-dtls.conf): a PSK service on port 5686 ----------------------- */

#ifdef CONFIG_NET_SOCKETS_ENABLE_DTLS
#include <zephyr/net/tls_credentials.h>

#define PSK_TAG 1
static const unsigned char psk[] = "levante-coap-psk";
static const char psk_id[] = "levante-client";
static const sec_tag_t secure_tags[] = { PSK_TAG };
static uint16_t secure_port = 5686;
COAPS_SERVICE_DEFINE(secure, NULL, &secure_port, 0, secure_tags, sizeof(secure_tags));

static int secure_get(struct coap_resource *resource, struct coap_packet *request,
		      struct sockaddr *addr, socklen_t addr_len)
{
	return reply(resource, request, addr, addr_len, COAP_RESPONSE_CODE_CONTENT,
		     "over dtls");
}

static const char *const secure_path[] = { "secure", NULL };
COAP_RESOURCE_DEFINE(secure_resource, secure, { .get = secure_get, .path = secure_path });

static void start_secure(void)
{
	/* The credentials first: the service starts once they are there. */
	(void)tls_credential_add(PSK_TAG, TLS_CREDENTIAL_PSK, psk, sizeof(psk) - 1);
	(void)tls_credential_add(PSK_TAG, TLS_CREDENTIAL_PSK_ID, psk_id, sizeof(psk_id) - 1);
	printk("coaps start: %d\n", coap_service_start(&secure));
}
#else
static void start_secure(void)
{
}
#endif

/* ---- a user-mode server on its own socket --------------------------------------------- */

K_APPMEM_PARTITION_DEFINE(user_part);
K_APP_BMEM(user_part) static uint8_t user_buffer[128];
K_APP_BMEM(user_part) static uint8_t user_reply[64];

static void user_server(void *p1, void *p2, void *p3)
{
	int fd = zsock_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(5684) };

	if (fd < 0 || zsock_bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		printk("user server: no socket\n");
		return;
	}
	for (;;) {
		struct zsock_pollfd pfd = { .fd = fd, .events = ZSOCK_POLLIN };
		struct sockaddr_storage peer;
		socklen_t peer_len = sizeof(peer);
		struct coap_packet request, response;
		uint8_t token[COAP_TOKEN_MAX_LEN];

		(void)zsock_poll(&pfd, 1, -1);
		int ret = coap_levante_recv(fd, &request, user_buffer, sizeof(user_buffer),
					    (struct sockaddr *)&peer, &peer_len,
					    COAP_LEVANTE_REQUEST);
		if (ret < 0) {
			printk("user server: refused %d\n", ret);
			continue;
		}
		uint8_t tkl = coap_header_get_token(&request, token);

		if (coap_packet_init(&response, user_reply, sizeof(user_reply), COAP_VERSION_1,
				     COAP_TYPE_ACK, tkl, token, COAP_RESPONSE_CODE_CONTENT,
				     coap_header_get_id(&request)) == 0 &&
		    coap_packet_append_payload_marker(&response) == 0 &&
		    coap_packet_append_payload(&response, (const uint8_t *)"user", 4) == 0) {
			(void)zsock_sendto(fd, user_reply, response.offset, 0,
					   (struct sockaddr *)&peer, peer_len);
		}
	}
}

K_THREAD_STACK_DEFINE(user_stack, 2048);
static struct k_thread user_thread;

int main(void)
{
	struct k_mem_domain domain;
	struct k_mem_partition *parts[] = { &user_part };

	for (size_t i = 0; i < sizeof(large_body); i++) {
		large_body[i] = (uint8_t)('a' + i % 26);
	}
	k_work_reschedule(&counter_work, K_SECONDS(1));
	start_secure();
	k_mem_domain_init(&domain, ARRAY_SIZE(parts), parts);
	k_tid_t tid = k_thread_create(&user_thread, user_stack, K_THREAD_STACK_SIZEOF(user_stack),
				      user_server, NULL, NULL, NULL, 5, K_USER, K_FOREVER);

	k_mem_domain_add_thread(&domain, tid);
	k_thread_name_set(tid, "coap_user");
	k_thread_start(tid);
	printk("coap service on port %u\n", coap_port);
	return 0;
}
