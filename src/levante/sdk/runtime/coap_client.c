/* The CoAP client (CONFIG_COAP_CLIENT): requests built here, responses taken through the
 * kernel by the "coap_client" thread (z_levante_coap_recv: parsed by its codec, judged
 * by the services' control point), retransmission and block-wise transfers on
 * simulated time, and the requests' callbacks on that thread. */
#include <zephyr/kernel.h>

#ifdef CONFIG_COAP_CLIENT
#include <errno.h>
#include <string.h>
#include <zephyr/net/coap_client.h>
#include <zephyr/net/socket.h>
#include <zephyr/random/random.h>

/* How soon a request made on another thread is seen by the receive thread's poll, and
 * so how soon its first retransmission can be (ms of simulated time). */
#define RESCAN_MS 100
#define TOKEN_LENGTH 8U
#define MAX_EXTRA_OPTIONS 4U
#define MAX_POLLED CONFIG_NET_SOCKETS_POLL_MAX

static struct coap_client *clients[CONFIG_COAP_CLIENT_MAX_INSTANCES];
static K_MUTEX_DEFINE(clients_lock);

int coap_client_init(struct coap_client *client, const char *info)
{
	ARG_UNUSED(info);
	if (client == NULL) {
		return -EINVAL;
	}
	k_mutex_lock(&clients_lock, K_FOREVER);
	int ret = -ENOSPC;

	for (int i = 0; i < CONFIG_COAP_CLIENT_MAX_INSTANCES; i++) {
		if (clients[i] == client || clients[i] == NULL) {
			memset(client, 0, sizeof(*client));
			client->fd = -1;
			k_mutex_init(&client->lock);
			clients[i] = client;
			ret = 0;
			break;
		}
	}
	k_mutex_unlock(&clients_lock);
	return ret;
}

/* How long a NON request, or a CON one acknowledged empty, waits for its response: as
 * long as all of a CON's retransmissions would take (RFC 7252 §4.8.2 MAX_TRANSMIT_WAIT). */
static uint32_t whole_wait(const struct coap_transmission_parameters *params)
{
	uint32_t wait = 0, step = params->ack_timeout;

	for (int i = 0; i <= params->max_retransmission; i++) {
		wait += step;
		step = step * params->coap_backoff_percent / 100U;
	}
	return wait * CONFIG_COAP_ACK_RANDOM_PERCENT / 100U;
}

/* The request's next message: the whole payload, or the Block1 at send_blk.current, or
 * (for a Block2 body) the request for the block at `offset`. */
static int build(struct coap_client_internal_request *internal)
{
	struct coap_client_request *req = &internal->coap_request;
	struct coap_packet packet;
	bool blockwise_send = req->payload != NULL && req->len > CONFIG_COAP_CLIENT_BLOCK_SIZE;

	internal->id = coap_next_id();
	int r = coap_packet_init(&packet, internal->send_buf, sizeof(internal->send_buf),
				 COAP_VERSION_1,
				 req->confirmable ? COAP_TYPE_CON : COAP_TYPE_NON_CON,
				 TOKEN_LENGTH, internal->token, req->method, internal->id);
	/* Options in order of number: Observe (6) and the caller's go between the path's. */
	for (uint8_t i = 0; r == 0 && i < req->num_options; i++) {
		if (internal->options[i].code < COAP_OPTION_URI_PATH) {
			r = coap_packet_append_option(&packet, internal->options[i].code,
						      internal->options[i].value,
						      internal->options[i].len);
		}
	}
	r = r ?: coap_packet_set_path(&packet, req->path);
	if (r == 0 && req->payload != NULL) {
		r = coap_append_option_int(&packet, COAP_OPTION_CONTENT_FORMAT, req->fmt);
	}
	for (uint8_t i = 0; r == 0 && i < req->num_options; i++) {
		if (internal->options[i].code >= COAP_OPTION_URI_PATH &&
		    internal->options[i].code != COAP_OPTION_CONTENT_FORMAT) {
			r = coap_packet_append_option(&packet, internal->options[i].code,
						      internal->options[i].value,
						      internal->options[i].len);
		}
	}
	if (r == 0 && (req->method == COAP_METHOD_GET || req->method == COAP_METHOD_FETCH)) {
		/* RFC 7959 §2.4: ask for blocks this client can hold, from the first; then
		 * "Any further block-wise requests for blocks beyond the first one MUST
		 * indicate the same block size that was used by the server". */
		struct coap_block_context ask = {
			.block_size = internal->recv_block_size,
			.current = internal->offset,
		};

		r = coap_append_block2_option(&packet, &ask);
	}
	if (r == 0 && blockwise_send) {
		r = coap_append_block1_option(&packet, &internal->send_blk);
		if (r == 0 && internal->send_blk.current == 0U) {
			r = coap_append_size1_option(&packet, &internal->send_blk);
		}
	}
	if (r == 0 && req->payload != NULL && req->len > 0U) {
		size_t start = blockwise_send ? internal->send_blk.current : 0U;
		size_t length = blockwise_send
			? MIN((size_t)coap_block_size_to_bytes(internal->send_blk.block_size),
			      req->len - start)
			: req->len;

		r = coap_packet_append_payload_marker(&packet);
		r = r ?: coap_packet_append_payload(&packet, req->payload + start, (uint16_t)length);
	}
	internal->send_len = packet.offset;
	return r;
}

static int transmit(struct coap_client_internal_request *internal)
{
	internal->retries = 0;
	internal->acknowledged = false;
	internal->timeout = internal->coap_request.confirmable
				    ? z_coap_first_ack_timeout(&internal->params)
				    : whole_wait(&internal->params);
	internal->deadline = k_uptime_get() + internal->timeout;
	if (zsock_sendto(internal->sock, internal->send_buf, internal->send_len, 0,
			 internal->socklen > 0 ? &internal->address : NULL,
			 internal->socklen) < 0) {
		return -errno;
	}
	return 0;
}

int coap_client_req(struct coap_client *client, int sock, const struct sockaddr *addr,
		    struct coap_client_request *req, struct coap_transmission_parameters *params)
{
	if (client == NULL || sock < 0 || req == NULL || req->path == NULL || req->cb == NULL ||
	    req->num_options > MAX_EXTRA_OPTIONS || (req->num_options > 0 && req->options == NULL) ||
	    (req->len > 0U && req->payload == NULL) || req->len > UINT16_MAX * 16U) {
		return -EINVAL;
	}
	k_mutex_lock(&client->lock, K_FOREVER);
	struct coap_client_internal_request *internal = NULL;

	for (int i = 0; i < CONFIG_COAP_CLIENT_MAX_REQUESTS; i++) {
		if (!client->requests[i].ongoing) {
			internal = &client->requests[i];
			break;
		}
	}
	if (internal == NULL) {
		k_mutex_unlock(&client->lock);
		return -EAGAIN;
	}
	memset(internal, 0, sizeof(*internal));
	internal->coap_request = *req;
	memcpy(internal->options, req->options, req->num_options * sizeof(req->options[0]));
	internal->params = params != NULL ? *params : coap_get_transmission_parameters();
	internal->sock = sock;
	if (addr != NULL) {
		internal->socklen = addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
								 : sizeof(struct sockaddr_in);
		memcpy(&internal->address, addr, internal->socklen);
	}
	memcpy(internal->token, coap_next_token(), TOKEN_LENGTH);
	(void)coap_block_transfer_init(&internal->send_blk,
				       coap_bytes_to_block_size(CONFIG_COAP_CLIENT_BLOCK_SIZE),
				       req->len);
	internal->recv_block_size = coap_bytes_to_block_size(CONFIG_COAP_CLIENT_BLOCK_SIZE);
	for (uint8_t i = 0; i < req->num_options; i++) {
		if (req->options[i].code == COAP_OPTION_OBSERVE) {
			internal->is_observe = true;
		}
	}
	int ret = build(internal);

	ret = ret ?: transmit(internal);
	internal->ongoing = ret == 0;
	client->fd = sock;
	k_mutex_unlock(&client->lock);
	return ret;
}

static void finish(struct coap_client_internal_request *internal, int16_t result)
{
	internal->ongoing = false;
	internal->coap_request.cb(result, 0, NULL, 0, true, internal->coap_request.user_data);
}

void coap_client_cancel_requests(struct coap_client *client)
{
	k_mutex_lock(&client->lock, K_FOREVER);
	for (int i = 0; i < CONFIG_COAP_CLIENT_MAX_REQUESTS; i++) {
		if (client->requests[i].ongoing) {
			finish(&client->requests[i], -ECANCELED);
		}
	}
	k_mutex_unlock(&client->lock);
}

/* ---- responses ------------------------------------------------------------------------ */

static void send_empty(int sock, const struct coap_packet *to, uint8_t type,
		       const struct sockaddr *addr, socklen_t addr_len)
{
	uint8_t buffer[4];
	struct coap_packet empty;

	if (coap_packet_init(&empty, buffer, sizeof(buffer), COAP_VERSION_1, type, 0, NULL,
			     COAP_CODE_EMPTY, coap_header_get_id(to)) == 0) {
		(void)zsock_sendto(sock, buffer, empty.offset, 0, addr, addr_len);
	}
}

static struct coap_client_internal_request *by_token(struct coap_client *client,
						     const struct coap_packet *response)
{
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint8_t tkl = coap_header_get_token(response, token);

	for (int i = 0; i < CONFIG_COAP_CLIENT_MAX_REQUESTS; i++) {
		struct coap_client_internal_request *internal = &client->requests[i];

		if (internal->ongoing && tkl == TOKEN_LENGTH &&
		    memcmp(internal->token, token, TOKEN_LENGTH) == 0) {
			return internal;
		}
	}
	return NULL;
}

static struct coap_client_internal_request *by_id(struct coap_client *client, uint16_t id)
{
	for (int i = 0; i < CONFIG_COAP_CLIENT_MAX_REQUESTS; i++) {
		if (client->requests[i].ongoing && client->requests[i].id == id) {
			return &client->requests[i];
		}
	}
	return NULL;
}

/* Whether `response` repeats one already taken, so is not processed again (RFC 7252
 * §4.5: "process any request or response only once"). A piggybacked response echoes
 * the message ID of the request's current transmission (§5.2.1); one echoing another
 * (a late copy answering an earlier block's request) is a repeat. A separate response
 * with the message ID of the last one taken is its retransmission. */
static bool is_repeat(struct coap_client_internal_request *internal,
		      const struct coap_packet *response)
{
	uint16_t id = coap_header_get_id(response);

	if (coap_header_get_type(response) == COAP_TYPE_ACK) {
		return id != internal->id;
	}
	if (internal->has_response_id && id == internal->response_id) {
		return true;
	}
	internal->has_response_id = true;
	internal->response_id = id;
	return false;
}

/* Whether a Block2 block at `number` of `size` bytes carrying `length` is the next one
 * of the body: 1 to take it, 0 to drop it (one already taken), -EBADMSG to end the
 * transfer. RFC 7959 §2.4: in answer to a Block2 request "the server MUST use the
 * block size indicated or a smaller size", and the client goes on with that size;
 * §2.2: every block but the last has the whole size. A block past the one asked for
 * would leave a hole in the body. */
static int next_block(struct coap_client_internal_request *internal, uint32_t number,
		      int size, uint16_t length, bool more)
{
	size_t at = (size_t)number * (size_t)size;

	if (size > coap_block_size_to_bytes(internal->recv_block_size) ||
	    (more ? length != (size_t)size : length > (size_t)size)) {
		return -EBADMSG;
	}
	if (at < internal->offset && at + length <= internal->offset) {
		return 0;
	}
	if (at != internal->offset) {
		return -EBADMSG;
	}
	internal->recv_block_size = coap_bytes_to_block_size(size);
	return 1;
}

/* A response for `internal`: the next Block1 or Block2 exchange, or the callback. */
static void take_response(struct coap_client_internal_request *internal,
			  const struct coap_packet *response)
{
	struct coap_client_request *req = &internal->coap_request;
	uint8_t code = coap_header_get_code(response);
	uint16_t length;
	const uint8_t *payload = coap_packet_get_payload(response, &length);
	bool more;
	uint32_t number;

	if (is_repeat(internal, response)) {
		return;
	}

	/* 2.31 Continue: the server took this Block1; send the next (RFC 7959 §2.3). */
	if (code == COAP_RESPONSE_CODE_CONTINUE &&
	    coap_get_block1_option(response, &more, &number) > 0) {
		size_t next = internal->send_blk.current +
			      coap_block_size_to_bytes(internal->send_blk.block_size);

		if (coap_update_from_block(response, &internal->send_blk) < 0 || next >= req->len) {
			finish(internal, -EBADMSG);
			return;
		}
		internal->send_blk.current = next;
		if (build(internal) < 0 || transmit(internal) < 0) {
			finish(internal, -EIO);
		}
		return;
	}
	int size = coap_get_block2_option(response, &more, &number);

	if (size > 0) {
		int next = next_block(internal, number, size, length, more);

		if (next <= 0) {
			if (next < 0) {
				finish(internal, next);
			}
			return;
		}
		req->cb((int16_t)code, internal->offset, payload, length, !more, req->user_data);
		internal->offset += length;
		if (more && !internal->is_observe) {
			if (build(internal) < 0 || transmit(internal) < 0) {
				finish(internal, -EIO);
			}
			return;
		}
	} else {
		req->cb((int16_t)code, 0, payload, length, !internal->is_observe, req->user_data);
	}
	if (internal->is_observe && coap_get_option_int(response, COAP_OPTION_OBSERVE) >= 0) {
		/* Notifications follow with the same token until cancelled (RFC 7641 §3.2). */
		internal->acknowledged = true;
		internal->deadline = INT64_MAX;
		internal->offset = 0;
		return;
	}
	internal->ongoing = false;
}

static void receive(struct coap_client *client, int sock)
{
	struct sockaddr_storage storage;
	struct sockaddr *from = (struct sockaddr *)&storage;
	socklen_t from_len = sizeof(storage);
	struct coap_packet response;
	int ret = coap_levante_recv(sock, &response, client->recv_buf, sizeof(client->recv_buf),
				    from, &from_len, COAP_LEVANTE_RESPONSE);

	if (ret < 0) {
		return; /* malformed, too large or refused at the control point: dropped */
	}
	uint8_t type = coap_header_get_type(&response);
	uint8_t code = coap_header_get_code(&response);

	k_mutex_lock(&client->lock, K_FOREVER);
	if (code == COAP_CODE_EMPTY) {
		struct coap_client_internal_request *internal = by_id(client,
								      coap_header_get_id(&response));
		if (internal != NULL && type == COAP_TYPE_RESET) {
			finish(internal, -ECONNRESET);
		} else if (internal != NULL && type == COAP_TYPE_ACK) {
			/* A separate response follows (RFC 7252 §5.2.2): wait for it. */
			internal->acknowledged = true;
			internal->deadline = k_uptime_get() + whole_wait(&internal->params);
		}
		k_mutex_unlock(&client->lock);
		return;
	}
	struct coap_client_internal_request *internal = by_token(client, &response);

	if (type == COAP_TYPE_CON) {
		/* Acknowledge what is ours, reject what is not (RFC 7252 §4.2). */
		send_empty(sock, &response, internal != NULL ? COAP_TYPE_ACK : COAP_TYPE_RESET,
			   from, from_len);
	} else if (type == COAP_TYPE_NON_CON && internal == NULL) {
		/* A notification for an observation no longer wanted (RFC 7641 §3.6). */
		send_empty(sock, &response, COAP_TYPE_RESET, from, from_len);
	}
	if (internal != NULL && !coap_packet_is_request(&response)) {
		take_response(internal, &response);
	}
	k_mutex_unlock(&client->lock);
}

/* Retransmit or time out what is due; ms until the next deadline (or RESCAN_MS). */
static int64_t retransmit(struct coap_client *client)
{
	int64_t now = k_uptime_get();
	int64_t next = RESCAN_MS;

	k_mutex_lock(&client->lock, K_FOREVER);
	for (int i = 0; i < CONFIG_COAP_CLIENT_MAX_REQUESTS; i++) {
		struct coap_client_internal_request *internal = &client->requests[i];

		if (!internal->ongoing) {
			continue;
		}
		if (internal->deadline <= now) {
			bool resend = internal->coap_request.confirmable && !internal->acknowledged &&
				      internal->retries < internal->params.max_retransmission;

			if (!resend) {
				finish(internal, -ETIMEDOUT);
				continue;
			}
			internal->retries++;
			internal->timeout = internal->timeout *
					    internal->params.coap_backoff_percent / 100U;
			internal->deadline = now + internal->timeout;
			(void)zsock_sendto(internal->sock, internal->send_buf, internal->send_len, 0,
					   internal->socklen > 0 ? &internal->address : NULL,
					   internal->socklen);
		}
		next = MIN(next, internal->deadline - now);
	}
	k_mutex_unlock(&client->lock);
	return MAX(next, 0);
}

static void coap_client_thread(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1), ARG_UNUSED(p2), ARG_UNUSED(p3);
	for (;;) {
		struct zsock_pollfd fds[MAX_POLLED];
		struct coap_client *owner[MAX_POLLED];
		int count = 0;
		int64_t wait = RESCAN_MS;

		k_mutex_lock(&clients_lock, K_FOREVER);
		for (int c = 0; c < CONFIG_COAP_CLIENT_MAX_INSTANCES; c++) {
			struct coap_client *client = clients[c];

			if (client == NULL) {
				continue;
			}
			wait = MIN(wait, retransmit(client));
			/* Every socket with a request under way. */
			for (int i = 0; i < CONFIG_COAP_CLIENT_MAX_REQUESTS && count < MAX_POLLED; i++) {
				int sock = client->requests[i].sock;
				bool seen = false;

				if (!client->requests[i].ongoing) {
					continue;
				}
				for (int k = 0; k < count; k++) {
					seen |= fds[k].fd == sock;
				}
				if (!seen) {
					fds[count] = (struct zsock_pollfd){ .fd = sock,
									    .events = ZSOCK_POLLIN };
					owner[count++] = client;
				}
			}
		}
		k_mutex_unlock(&clients_lock);
		if (count == 0) {
			k_msleep((int32_t)MAX(wait, 1));
			continue;
		}
		if (zsock_poll(fds, count, (int)MAX(wait, 1)) <= 0) {
			continue;
		}
		for (int k = 0; k < count; k++) {
			if (fds[k].revents & ZSOCK_POLLIN) {
				receive(owner[k], fds[k].fd);
			}
		}
	}
}

K_THREAD_DEFINE(coap_client, CONFIG_COAP_CLIENT_STACK_SIZE, coap_client_thread, NULL, NULL,
		NULL, K_PRIO_PREEMPT(CONFIG_NUM_PREEMPT_PRIORITIES - 1), 0, 0);
#endif /* CONFIG_COAP_CLIENT */
