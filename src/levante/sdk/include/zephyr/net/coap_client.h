/* <zephyr/net/coap_client.h> (CONFIG_COAP_CLIENT): asynchronous CoAP requests, as in
 * Zephyr.  coap_client_req sends; the "coap_client" thread takes the responses through
 * the kernel (parsed by its codec and passed through the services' control point: a
 * malformed or refused response is dropped, never seen by C), acknowledges confirmable
 * ones, retransmits confirmable requests (RFC 7252 §4.2), asks for the next Block2 and
 * sends the next Block1 (RFC 7959), and calls the request's callback on that thread:
 * once per block or notification, with last_block on the last; -ETIMEDOUT when no
 * answer came, -ECONNRESET on a Reset, -ECANCELED on coap_client_cancel_requests. */
#ifndef ZEPHYR_INCLUDE_NET_COAP_CLIENT_H_
#define ZEPHYR_INCLUDE_NET_COAP_CLIENT_H_

#include <zephyr/kernel.h>
#include <zephyr/net/coap.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MAX_COAP_MSG_LEN (CONFIG_COAP_CLIENT_MESSAGE_HEADER_SIZE + CONFIG_COAP_CLIENT_MESSAGE_SIZE)

typedef void (*coap_client_response_cb_t)(int16_t result_code, size_t offset,
					  const uint8_t *payload, size_t len, bool last_block,
					  void *user_data);

struct coap_client_option {
	uint16_t code;
	uint8_t len;
	uint8_t value[12];
};

struct coap_client_request {
	enum coap_method method;
	bool confirmable;
	const char *path;
	enum coap_content_format fmt;
	uint8_t *payload; /* kept by the caller until the last callback */
	size_t len;
	coap_client_response_cb_t cb;
	struct coap_client_option *options;
	uint8_t num_options;
	void *user_data;
};

/* One request under way (the client's own state). */
struct coap_client_internal_request {
	bool ongoing;
	bool acknowledged;   /* an empty ACK came: the response follows separately */
	bool is_observe;
	int sock;
	struct sockaddr address;
	socklen_t socklen;
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint16_t id;
	uint16_t send_len;
	uint8_t retries;
	uint32_t timeout;    /* ms: the current wait */
	int64_t deadline;    /* ms of uptime */
	size_t offset;       /* of the Block2 body received so far */
	enum coap_block_size recv_block_size; /* Block2: asked for, then the server's */
	bool has_response_id;
	uint16_t response_id; /* of the last separate response taken */
	struct coap_block_context send_blk;
	struct coap_transmission_parameters params;
	struct coap_client_request coap_request;
	struct coap_client_option options[4];
	uint8_t send_buf[MAX_COAP_MSG_LEN];
};

struct coap_client {
	int fd;
	struct sockaddr address;
	socklen_t socklen;
	struct k_mutex lock;
	uint8_t recv_buf[MAX_COAP_MSG_LEN];
	struct coap_client_internal_request requests[CONFIG_COAP_CLIENT_MAX_REQUESTS];
};

int coap_client_init(struct coap_client *client, const char *info);
int coap_client_req(struct coap_client *client, int sock, const struct sockaddr *addr,
		    struct coap_client_request *req, struct coap_transmission_parameters *params);
void coap_client_cancel_requests(struct coap_client *client);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_NET_COAP_CLIENT_H_ */
