/* coap_pending and coap_reply, as an application driving CoAP over its own socket uses
 * them: a confirmable request's retransmission schedule on simulated time (waiting until
 * coap_pending_next_to_expire says, then coap_pending_cycle), the ACK that ends it, and
 * responses matched to requests (piggybacked, separate, Reset, 2.31, notifications in
 * and out of RFC 7641 order). Each line is checked by tests/net/test_coap_reply_pending.py. */
#include <zephyr/kernel.h>
#include <zephyr/net/coap.h>
#include <zephyr/net/socket.h>

static uint8_t request_buf[64];
static struct coap_packet request;
static struct coap_pending pendings[2];
static struct coap_reply replies[2];
static int calls;

static int build(struct coap_packet *packet, uint8_t *buf, size_t size, uint8_t type,
		 uint8_t code, uint16_t id, const uint8_t *token, uint8_t tkl, int observe)
{
	int r = coap_packet_init(packet, buf, size, COAP_VERSION_1, type, tkl, token, code, id);

	if (r == 0 && observe >= 0) {
		r = coap_append_option_int(packet, COAP_OPTION_OBSERVE, (unsigned int)observe);
	}
	return r;
}

static int on_reply(const struct coap_packet *response, struct coap_reply *reply,
		    const struct sockaddr *from)
{
	ARG_UNUSED(from);
	calls++;
	printk("reply: code %u age %d\n", coap_header_get_code(response), reply->age);
	return 0;
}

/* Hand `response` to the replies: prints which entry matched (-1: none). */
static void receive(const char *what, uint8_t type, uint8_t code, uint16_t id,
		    const uint8_t *token, uint8_t tkl, int observe)
{
	uint8_t buf[32];
	struct coap_packet response;

	if (build(&response, buf, sizeof(buf), type, code, id, token, tkl, observe) != 0) {
		printk("%s: cannot build\n", what);
		return;
	}
	struct coap_reply *matched = coap_response_received(&response, NULL, replies, 2);

	printk("%s: entry %d calls %d\n", what, matched ? (int)(matched - replies) : -1, calls);
}

static void pending_schedule(void)
{
	static const uint8_t token[] = { 0xA1, 0xB2 };
	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(5683) };
	struct coap_pending *pending = coap_pending_next_unused(pendings, 2);

	(void)build(&request, request_buf, sizeof(request_buf), COAP_TYPE_CON, COAP_METHOD_GET,
		    0x1234, token, sizeof(token), -1);
	printk("init %d count %u\n", coap_pending_init(pending, &request, (struct sockaddr *)&peer,
						      NULL), (unsigned int)coap_pendings_count(pendings, 2));
	printk("first wait %s\n", pending->timeout >= 1000 && pending->timeout <= 1500
				  ? "in [1000, 1500]" : "out of range");
	uint32_t first = pending->timeout;
	int64_t start = pending->t0; /* when it was sent */
	int sends = 1;

	for (;;) {
		struct coap_pending *next = coap_pending_next_to_expire(pendings, 2);

		k_sleep(K_TIMEOUT_ABS_MS(next->t0 + next->timeout));
		if (!coap_pending_cycle(next)) {
			break;
		}
		sends++;
		/* What the application would send again now: the waits double. */
		printk("resend %d at %u x first, next wait %u x first\n", sends - 1,
		       (unsigned int)((k_uptime_get() - start) / first),
		       (unsigned int)(next->timeout / first));
	}
	printk("gave up after %d sends at %u x first\n", sends,
	       (unsigned int)((k_uptime_get() - start) / first));

	/* Another request; its ACK (same Message ID) ends it. */
	(void)coap_pending_init(pending, &request, (struct sockaddr *)&peer, NULL);
	uint8_t ack_buf[8];
	struct coap_packet ack;

	(void)build(&ack, ack_buf, sizeof(ack_buf), COAP_TYPE_ACK, COAP_CODE_EMPTY, 0x1234, NULL,
		    0, -1);
	struct coap_pending *acked = coap_pending_received(&ack, pendings, 2);

	printk("ack matches %d\n", acked == pending);
	coap_pending_clear(acked);
	printk("count after clear %u\n", (unsigned int)coap_pendings_count(pendings, 2));
}

static void reply_matching(void)
{
	static const uint8_t token[] = { 0x01, 0x02, 0x03 };
	static const uint8_t other[] = { 0x09 };
	uint8_t buf[32];
	struct coap_packet observe_request;

	(void)build(&observe_request, buf, sizeof(buf), COAP_TYPE_CON, COAP_METHOD_GET, 0x0042,
		    token, sizeof(token), 0);
	struct coap_reply *reply = coap_reply_next_unused(replies, 2);

	coap_reply_init(reply, &observe_request);
	reply->reply = on_reply;
	printk("observing age %d\n", reply->age);
	receive("piggybacked", COAP_TYPE_ACK, COAP_RESPONSE_CODE_CONTENT, 0x0042, token,
		sizeof(token), 5);
	receive("older", COAP_TYPE_CON, COAP_RESPONSE_CODE_CONTENT, 0x0100, token,
		sizeof(token), 3);
	receive("newer", COAP_TYPE_CON, COAP_RESPONSE_CODE_CONTENT, 0x0101, token,
		sizeof(token), 6);
	/* 24-bit order: 10 behind 6 (wrapped) is older; half the space ahead, newer; and
	 * from there a small number is newer again, past the wrap. */
	receive("behind", COAP_TYPE_NON_CON, COAP_RESPONSE_CODE_CONTENT, 0x0102, token,
		sizeof(token), 6 + (1 << 24) - 10);
	receive("ahead", COAP_TYPE_NON_CON, COAP_RESPONSE_CODE_CONTENT, 0x0103, token,
		sizeof(token), 6 + (1 << 23) - 1);
	receive("wrapped", COAP_TYPE_NON_CON, COAP_RESPONSE_CODE_CONTENT, 0x0104, token,
		sizeof(token), 2);
	receive("other token", COAP_TYPE_CON, COAP_RESPONSE_CODE_CONTENT, 0x0042, other,
		sizeof(other), -1);
	receive("continue", COAP_TYPE_ACK, COAP_RESPONSE_CODE_CONTINUE, 0x0042, token,
		sizeof(token), -1);
	receive("reset", COAP_TYPE_RESET, COAP_CODE_EMPTY, 0x0042, NULL, 0, -1);
	receive("request", COAP_TYPE_CON, COAP_METHOD_GET, 0x0042, token, sizeof(token), -1);
	coap_replies_clear(replies, 2);
	receive("cleared", COAP_TYPE_ACK, COAP_RESPONSE_CODE_CONTENT, 0x0042, token,
		sizeof(token), -1);
}

int main(void)
{
	pending_schedule();
	reply_matching();
	printk("done\n");
	return 0;
}
