/* <zephyr/net/coap.h>'s replies and pending messages: the bookkeeping an application that
 * drives CoAP over its own socket keeps (Zephyr's coap_reply_* and coap_pending_*), on
 * simulated time (k_uptime_get). */
#include <zephyr/kernel.h>

#ifdef CONFIG_COAP
#include <errno.h>
#include <string.h>
#include <zephyr/net/coap.h>
#include <zephyr/random/random.h>

/* RFC 7641 §4.4: Observe numbers are 24 bits and wrap. */
#define OBSERVE_HALF (1 << 23)

uint32_t z_coap_first_ack_timeout(const struct coap_transmission_parameters *params)
{
	uint32_t spread = params->ack_timeout * (CONFIG_COAP_ACK_RANDOM_PERCENT - 100U) / 100U;

	return params->ack_timeout + (spread > 0U ? sys_rand32_get() % (spread + 1U) : 0U);
}

/* ---- replies -------------------------------------------------------------------------- */

void coap_reply_init(struct coap_reply *reply, const struct coap_packet *request)
{
	uint8_t token[COAP_TOKEN_MAX_LEN];

	reply->id = coap_header_get_id(request);
	reply->tkl = coap_header_get_token(request, token);
	memcpy(reply->token, token, reply->tkl);
	/* An Observe registration (Observe: 0) takes any first notification. */
	reply->age = coap_get_option_int(request, COAP_OPTION_OBSERVE) == 0 ? -1 : 0;
}

struct coap_reply *coap_reply_next_unused(struct coap_reply *replies, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (replies[i].reply == NULL) {
			return &replies[i];
		}
	}
	return NULL;
}

/* RFC 7641 §3.4: `seen` (the last Observe number taken, -1: none) is older than `fresh`
 * when fresh follows it within half the 24-bit space, wrapping. */
static bool is_fresher(int seen, int fresh)
{
	if (seen < 0) {
		return true;
	}
	return (seen < fresh && fresh - seen < OBSERVE_HALF) ||
	       (seen > fresh && seen - fresh > OBSERVE_HALF);
}

/* RFC 7252 §5.3.2: a Reset matches by Message ID; a piggybacked response by both
 * Message ID and token; a separate one by its token (which must then not be empty). */
static bool answers(const struct coap_reply *reply, uint8_t type, uint16_t id,
		    const uint8_t *token, uint8_t tkl)
{
	if (type == COAP_TYPE_RESET) {
		return reply->id == id;
	}
	if (reply->tkl != tkl || memcmp(reply->token, token, tkl) != 0) {
		return false;
	}
	return tkl > 0U || reply->id == id;
}

struct coap_reply *coap_response_received(const struct coap_packet *response,
					  const struct sockaddr *from,
					  struct coap_reply *replies, size_t len)
{
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint8_t type = coap_header_get_type(response);
	uint8_t code = coap_header_get_code(response);

	if (code != COAP_CODE_EMPTY && coap_packet_is_request(response)) {
		return NULL; /* a request answers nothing */
	}
	uint16_t id = coap_header_get_id(response);
	uint8_t tkl = coap_header_get_token(response, token);

	for (size_t i = 0; i < len; i++) {
		struct coap_reply *reply = &replies[i];

		if (reply->reply == NULL || !answers(reply, type, id, token, tkl)) {
			continue;
		}
		int age = coap_get_option_int(response, COAP_OPTION_OBSERVE);

		/* A notification older than one already taken is matched but not handed on. */
		if (age < 0 || is_fresher(reply->age, age)) {
			if (age >= 0) {
				reply->age = age;
			}
			if (code != COAP_RESPONSE_CODE_CONTINUE) {
				(void)reply->reply(response, reply, from);
			}
		}
		return reply;
	}
	return NULL;
}

void coap_reply_clear(struct coap_reply *reply)
{
	memset(reply, 0, sizeof(*reply));
}

void coap_replies_clear(struct coap_reply *replies, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		coap_reply_clear(&replies[i]);
	}
}

/* ---- pending confirmable messages ----------------------------------------------------- */

int coap_pending_init(struct coap_pending *pending, const struct coap_packet *request,
		      const struct sockaddr *addr,
		      const struct coap_transmission_parameters *params)
{
	struct coap_transmission_parameters defaults = coap_get_transmission_parameters();

	if (pending == NULL || request == NULL || addr == NULL) {
		return -EINVAL;
	}
	memset(pending, 0, sizeof(*pending));
	pending->params = params != NULL ? *params : defaults;
	if (pending->params.ack_timeout == 0U) {
		return -EINVAL; /* 0 marks a free entry */
	}
	pending->id = coap_header_get_id(request);
	memcpy(&pending->addr, addr, sizeof(pending->addr));
	pending->data = request->data;
	pending->len = request->offset;
	pending->t0 = k_uptime_get();
	pending->timeout = z_coap_first_ack_timeout(&pending->params);
	pending->retries = pending->params.max_retransmission;
	return 0;
}

struct coap_pending *coap_pending_next_unused(struct coap_pending *pendings, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (pendings[i].timeout == 0U && pendings[i].data == NULL) {
			return &pendings[i];
		}
	}
	return NULL;
}

/* An ACK or a Reset ends the pending message of its Message ID (RFC 7252 §4.2). */
struct coap_pending *coap_pending_received(const struct coap_packet *response,
					   struct coap_pending *pendings, size_t len)
{
	uint8_t type = coap_header_get_type(response);
	uint16_t id = coap_header_get_id(response);

	if (type != COAP_TYPE_ACK && type != COAP_TYPE_RESET) {
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		if (pendings[i].timeout != 0U && pendings[i].id == id) {
			return &pendings[i];
		}
	}
	return NULL;
}

struct coap_pending *coap_pending_next_to_expire(struct coap_pending *pendings, size_t len)
{
	struct coap_pending *next = NULL;

	for (size_t i = 0; i < len; i++) {
		struct coap_pending *pending = &pendings[i];

		if (pending->timeout != 0U &&
		    (next == NULL || pending->t0 + pending->timeout < next->t0 + next->timeout)) {
			next = pending;
		}
	}
	return next;
}

/* Whether to send it again (then its next wait starts where this one ended, backed off);
 * false once its retransmissions are spent. */
bool coap_pending_cycle(struct coap_pending *pending)
{
	if (pending->timeout == 0U || pending->retries == 0U) {
		return false;
	}
	pending->t0 += pending->timeout;
	pending->timeout = pending->timeout * pending->params.coap_backoff_percent / 100U;
	pending->retries--;
	return true;
}

void coap_pending_clear(struct coap_pending *pending)
{
	pending->timeout = 0U;
	pending->data = NULL;
}

void coap_pendings_clear(struct coap_pending *pendings, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		coap_pending_clear(&pendings[i]);
	}
}

size_t coap_pendings_count(struct coap_pending *pendings, size_t len)
{
	size_t count = 0;

	for (size_t i = 0; i < len; i++) {
		count += pendings[i].timeout != 0U ? 1U : 0U;
	}
	return count;
}
#endif /* CONFIG_COAP */
