/* The network domain: the only code that meets the network. It keeps an MQTT session
 * with the broker, subscribes to DOOR_TOPIC_COMMAND, parses each request frame and
 * asks the controller (the `door` interface of door.idl) to check its credential and then
 * to unlock; it publishes the controller's verdict on DOOR_TOPIC_REPLY and the actuator's
 * reports on DOOR_TOPIC_STATUS.
 *
 * DELIBERATE FLAW (the sample's point, see README.md): parse_frame() checks the
 * credential's length against the frame it came in, not against the buffer it is copied
 * into. A credential longer than DOOR_CREDENTIAL_MAX runs over parser.credential into
 * parser.forward, the function the parser calls next: whoever sends the frame chooses
 * where this thread jumps. */
#include <errno.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/mqtt.h>
#include <zephyr/net/socket.h>
#include "door.h"

#define NET_DATA K_APP_DMEM(network_part)
#define NET_BSS K_APP_BMEM(network_part)
#define CONNECT_TRIES 20
#define POLL_MS 20
#define DOOR_PIN_MAX 8 /* door.idl: authenticate(in pin: string<8>) */

/* The parser's state: the credential being decoded, then where decoded requests go. */
struct parser_state {
	uint8_t credential[DOOR_CREDENTIAL_MAX];
	void (*forward)(const struct door_request *request);
	struct door_request request;
};

NET_BSS struct mqtt_client door_client;
NET_BSS static struct parser_state parser;
NET_BSS static struct sockaddr_in broker;
NET_BSS static uint8_t rx_buffer[256];
NET_BSS static uint8_t tx_buffer[256];
NET_BSS static uint8_t frame[DOOR_FRAME_MAX];
NET_BSS static volatile bool connected, acknowledged, subscribed;
NET_BSS static uint16_t message_id;
NET_DATA static struct mqtt_topic command_topic = {
	.topic = { (const uint8_t *)DOOR_TOPIC_COMMAND, sizeof(DOOR_TOPIC_COMMAND) - 1 },
	.qos = MQTT_QOS_0_AT_MOST_ONCE,
};

static int publish(const char *topic, const char *text, size_t length);

/* The controller's verdict on one request: the credential first, then the unlock (the
 * order policy.lvp's Flow requires), published as `ID RESULT`. */
static void forward_request(const struct door_request *request)
{
	char pin[DOOR_PIN_MAX + 1] = "";
	char text[24];
	int result;

	memcpy(pin, request->credential, MIN(request->credential_length, DOOR_PIN_MAX));
	if (request->op != DOOR_OP_UNLOCK) {
		result = -EINVAL;
	} else if (strlen(pin) != request->credential_length) {
		result = -EACCES; /* a NUL inside, or longer than door.idl's string<8> carries */
	} else {
		result = door_authenticate(&door_ep, pin);
		if (result == 0) {
			result = door_unlock(&door_ep, request->id);
		}
	}
	int length = snprintk(text, sizeof(text), "%u %d", request->id, result);

	(void)publish(DOOR_TOPIC_REPLY, text, (size_t)length);
}

static int parse_frame(const uint8_t *data, size_t length)
{
	if (length < DOOR_FRAME_HEADER || data[0] != DOOR_MAGIC) {
		return -EBADMSG;
	}
	uint8_t credential_length = data[4];

	/* THE FLAW: bounded by the frame, not by sizeof(parser.credential). */
	if (credential_length > length - DOOR_FRAME_HEADER) {
		return -EBADMSG;
	}
	memset(&parser.request, 0, sizeof(parser.request));
	parser.request.op = data[1];
	parser.request.id = (uint16_t)(data[2] | data[3] << 8);
	memcpy(parser.credential, data + DOOR_FRAME_HEADER, credential_length);
	parser.request.credential_length = credential_length;
	memcpy(parser.request.credential, parser.credential,
	       MIN(credential_length, sizeof(parser.request.credential)));
	parser.forward(&parser.request);
	return 0;
}

static void on_publish(struct mqtt_client *client, const struct mqtt_evt *evt)
{
	uint32_t length = evt->param.publish.message.payload.len;

	if (length > sizeof(frame)) {
		length = sizeof(frame); /* the rest is dropped by mqtt_readall below */
	}
	if (mqtt_readall_publish_payload(client, frame, length) != 0) {
		return;
	}
	int result = parse_frame(frame, length);

	if (result != 0) {
		printk("network: frame of %u bytes refused: %d\n", length, result);
	}
}

static void on_event(struct mqtt_client *client, const struct mqtt_evt *evt)
{
	switch (evt->type) {
	case MQTT_EVT_CONNACK:
		connected = evt->result == 0;
		acknowledged = true;
		break;
	case MQTT_EVT_DISCONNECT:
		connected = false;
		break;
	case MQTT_EVT_SUBACK:
		subscribed = true;
		break;
	case MQTT_EVT_PUBLISH:
		on_publish(client, evt);
		break;
	default:
		break;
	}
}

static int publish(const char *topic, const char *text, size_t length)
{
	struct mqtt_publish_param message = {
		.message.topic = { .topic = { (const uint8_t *)topic, strlen(topic) },
				   .qos = MQTT_QOS_0_AT_MOST_ONCE },
		.message.payload = { (uint8_t *)text, length },
		.message_id = ++message_id,
	};

	return mqtt_publish(&door_client, &message);
}

/* Serve the session for up to `ms`, or until `*flag` is set. */
static void serve(int ms, volatile bool *flag)
{
	int64_t end = k_uptime_get() + ms;

	while (connected && (flag == NULL || !*flag) && k_uptime_get() < end) {
		struct zsock_pollfd fds = { .fd = door_client.transport.tcp.sock,
					    .events = ZSOCK_POLLIN };

		if (zsock_poll(&fds, 1, POLL_MS) > 0 && mqtt_input(&door_client) < 0) {
			connected = false;
		}
		if (connected) {
			(void)mqtt_live(&door_client);
		}
	}
}

static int start_session(void)
{
	mqtt_client_init(&door_client);
	door_client.broker = &broker;
	door_client.evt_cb = on_event;
	door_client.client_id = MQTT_UTF8_LITERAL("door-network");
	door_client.rx_buf = rx_buffer;
	door_client.rx_buf_size = sizeof(rx_buffer);
	door_client.tx_buf = tx_buffer;
	door_client.tx_buf_size = sizeof(tx_buffer);
	connected = false;
	acknowledged = false;
	subscribed = false;
	int result = mqtt_connect(&door_client);

	if (result != 0) {
		return result;
	}
	connected = true; /* until the CONNACK or the session says otherwise */
	serve(5000, &acknowledged);
	if (!acknowledged || !connected) {
		(void)mqtt_abort(&door_client);
		return -ECONNREFUSED;
	}
	return 0;
}

/* The actuator's reports, out to the broker. */
static void publish_news(void)
{
	struct door_status status;
	char text[48];

	while (k_msgq_get(&status_queue, &status, K_NO_WAIT) == 0) {
		int length = snprintk(text, sizeof(text), "%u %s %d", status.id,
				      status.unlocked ? "unlocked" : "locked", status.result);

		(void)publish(DOOR_TOPIC_STATUS, text, (size_t)length);
	}
}

void network_release(void)
{
	/* Sockets outlive the thread that opened them (as Zephyr's): close the session's,
	 * so that restarts do not use up the socket table. A socket already closed is
	 * -EBADF, which changes nothing. */
	(void)zsock_close(door_client.transport.tcp.sock);
}

void network_main(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	struct mqtt_subscription_list list = { &command_topic, 1, 1 };
	int result = -ENOTCONN;

	door_client.transport.tcp.sock = -1;
	parser.forward = forward_request;
	broker.sin_family = AF_INET;
	broker.sin_port = htons(broker_port);
	inet_pton(AF_INET, CONFIG_NET_CONFIG_PEER_IPV4_ADDR, &broker.sin_addr);
	for (int try = 0; try < CONNECT_TRIES && result != 0; try++) {
		result = start_session();
		if (result != 0) {
			k_sleep(K_MSEC(250));
		}
	}
	if (result == 0) {
		result = mqtt_subscribe(&door_client, &list);
	}
	if (result == 0) {
		serve(5000, &subscribed);
	}
	printk("network: session %s (%d)\n", subscribed ? "up" : "failed", result);
	if (!subscribed) {
		return;
	}
	(void)publish(DOOR_TOPIC_STATUS, "online", 6);
	while (connected) {
		serve(POLL_MS * 5, NULL);
		publish_news();
	}
	printk("network: session ended\n");
}
