/*
 * The device side of the MQTT 5.0 tests. The first console line names the broker's port
 * on the host (reached through the configured peer address) and what to do:
 *   "PORT props":  connect (a user property, a will with one), subscribe with a
 *                  subscription identifier to a topic the broker allows and to one it
 *                  refuses, publish with user properties and a content type, set a
 *                  topic alias up and use it, try aliases the broker does not allow,
 *                  receive the host's message with its user properties until "bye",
 *                  and disconnect with reason "disconnect with will message";
 *   "PORT expiry": connect without clean start and a session expiry interval,
 *                  subscribe, disconnect, come back to the kept session and its queued
 *                  message; then twice without an expiry interval: the session is
 *                  found once more, and ends with that connection;
 *   "PORT hostile N": connect N times to a broker that answers with broken MQTT 5.0
 *                  packets, printing how each session ended; the device stays up;
 *   "PORT args":   connect, then hand mqtt_publish bad properties: a content type over
 *                  256 bytes, a user property that is not UTF-8, a payload format
 *                  indicator of 2, and (last) a user property in memory the caller may
 *                  not read, which faults a user thread and is sent by a supervisor.
 * Each step prints one line the test checks. With CONFIG_USERSPACE the client runs in a
 * user thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zephyr/drivers/uart.h>
#include <zephyr/fatal.h>
#include <zephyr/kernel.h>
#include <zephyr/net/mqtt.h>
#include <zephyr/net/socket.h>

#ifdef CONFIG_USERSPACE
#include <zephyr/app_memory/app_memdomain.h>
#include <zephyr/sys/libc-hooks.h>
K_APPMEM_PARTITION_DEFINE(client_partition);
#define CLIENT_DATA K_APP_DMEM(client_partition)
#define CLIENT_BSS K_APP_BMEM(client_partition)
#else
#define CLIENT_DATA
#define CLIENT_BSS
#endif

CLIENT_BSS static struct mqtt_client client;
CLIENT_BSS static struct sockaddr_in broker;
CLIENT_BSS static uint8_t rx_buffer[512];
CLIENT_BSS static uint8_t tx_buffer[64];
CLIENT_BSS static uint8_t payload[320];
CLIENT_BSS static int port;
CLIENT_BSS static char mode[16];
CLIENT_BSS static int rounds;
CLIENT_BSS static volatile int connacks, subacks, pubacks, disconnected, got_bye, got_kept;
CLIENT_DATA static struct mqtt_topic will_topic = {
	.topic = { (const uint8_t *)"levante5/will", 13 }, .qos = MQTT_QOS_1_AT_LEAST_ONCE };
CLIENT_DATA static struct mqtt_utf8 will_message = { (const uint8_t *)"gone", 4 };
CLIENT_DATA static struct mqtt_topic subscriptions[] = {
	{ .topic = { (const uint8_t *)"levante5/in/#", 13 }, .qos = MQTT_QOS_1_AT_LEAST_ONCE },
	{ .topic = { (const uint8_t *)"secret/x", 8 }, .qos = MQTT_QOS_1_AT_LEAST_ONCE },
};

static void print_users(const char *what, const struct mqtt_utf8_pair *pairs, bool has)
{
	printf("%s users:", what);
	for (int i = 0; has && i < CONFIG_MQTT_USER_PROPERTIES_MAX && pairs[i].name.size; i++) {
		printf(" %.*s=%.*s", (int)pairs[i].name.size, pairs[i].name.utf8,
		       (int)pairs[i].value.size, pairs[i].value.utf8);
	}
	printf("\n");
}

static void on_publish(struct mqtt_client *c, const struct mqtt_evt *evt)
{
	const struct mqtt_publish_param *p = &evt->param.publish;
	uint32_t length = MIN(p->message.payload.len, sizeof(payload) - 1);
	int ret = mqtt_readall_publish_payload(c, payload, length);

	payload[ret == 0 ? length : 0] = '\0';
	printf("publish: topic=%.*s qos=%d payload=%s sub_ids=%d:%u\n",
	       (int)p->message.topic.topic.size, p->message.topic.topic.utf8,
	       p->message.topic.qos, (char *)payload, p->prop.rx.has_subscription_identifier,
	       p->prop.subscription_identifier[0]);
	print_users("publish", p->prop.user_prop, p->prop.rx.has_user_prop);
	if (p->prop.rx.has_content_type) {
		printf("publish content type: %.*s\n", (int)p->prop.content_type.size,
		       p->prop.content_type.utf8);
	}
	if (strcmp((char *)payload, "bye") == 0) {
		got_bye = 1;
	}
	if (strcmp((char *)payload, "kept") == 0) {
		got_kept = 1;
	}
	if (p->message.topic.qos == MQTT_QOS_1_AT_LEAST_ONCE) {
		struct mqtt_puback_param ack = { .message_id = p->message_id };

		printf("puback sent: %d\n", mqtt_publish_qos1_ack(c, &ack));
	}
}

static void on_event(struct mqtt_client *c, const struct mqtt_evt *evt)
{
	switch (evt->type) {
	case MQTT_EVT_CONNACK: {
		const struct mqtt_connack_param *p = &evt->param.connack;

		printf("connack: result=%d session=%d alias_max=%d:%u\n", evt->result,
		       p->session_present_flag, p->prop.rx.has_topic_alias_maximum,
		       p->prop.topic_alias_maximum);
		connacks++;
		break;
	}
	case MQTT_EVT_DISCONNECT:
		printf("disconnect: result=%d reason=%d\n", evt->result,
		       evt->param.disconnect.reason_code);
		disconnected = 1;
		break;
	case MQTT_EVT_PUBLISH:
		on_publish(c, evt);
		break;
	case MQTT_EVT_PUBACK:
		printf("puback: id=%d reason=%d\n", evt->param.puback.message_id,
		       evt->param.puback.reason_code);
		pubacks++;
		break;
	case MQTT_EVT_SUBACK:
		printf("suback: id=%d codes=", evt->param.suback.message_id);
		for (uint32_t i = 0; i < evt->param.suback.return_codes.len; i++) {
			printf("%s%d", i ? "," : "", evt->param.suback.return_codes.data[i]);
		}
		printf("\n");
		subacks++;
		break;
	default:
		break;
	}
}

static bool serve_until(volatile int *flag, int target, int timeout_ms)
{
	int64_t end = k_uptime_get() + timeout_ms;

	while (*flag < target && !disconnected && k_uptime_get() < end) {
		struct zsock_pollfd fds = { .fd = client.transport.tcp.sock, .events = ZSOCK_POLLIN };

		if (zsock_poll(&fds, 1, 100) > 0) {
			int ret = mqtt_input(&client);

			if (ret < 0) {
				printf("input: %d\n", ret);
			}
		}
	}
	return *flag >= target;
}

static void init(const char *identifier, bool clean)
{
	mqtt_client_init(&client);
	client.protocol_version = MQTT_VERSION_5_0;
	client.clean_session = clean ? 1U : 0U;
	client.broker = &broker;
	client.evt_cb = on_event;
	client.client_id.utf8 = (const uint8_t *)identifier;
	client.client_id.size = strlen(identifier);
	client.rx_buf = rx_buffer;
	client.rx_buf_size = sizeof(rx_buffer);
	client.tx_buf = tx_buffer;
	client.tx_buf_size = sizeof(tx_buffer);
	disconnected = 0;
	connacks = 0;
}

static int start(void)
{
	int ret = mqtt_connect(&client);

	printf("connect: %d\n", ret);
	return ret == 0 && serve_until(&connacks, 1, 5000) && !disconnected ? 0 : -1;
}

static int publish_alias(const char *topic, const char *text, uint16_t alias)
{
	struct mqtt_publish_param param = {
		.message.topic = { .topic = { (const uint8_t *)topic, strlen(topic) } },
		.message.payload = { (uint8_t *)text, strlen(text) },
	};

	param.prop.topic_alias = alias;
	return mqtt_publish(&client, &param);
}

static void props(void)
{
	struct mqtt_subscription_list list = { subscriptions, 2, 1 };
	struct mqtt_publish_param message = {
		.message.topic = { .topic = MQTT_UTF8_LITERAL("levante5/out/props"), .qos = 1 },
		.message.payload = { (uint8_t *)"hello", 5 },
		.message_id = 10,
	};
	struct mqtt_disconnect_param bye = { .reason_code = MQTT_DISCONNECT_WITH_WILL_MSG };

	init("levante5-device", true);
	client.prop.user_prop[0].name = MQTT_UTF8_LITERAL("client");
	client.prop.user_prop[0].value = MQTT_UTF8_LITERAL("levante");
	client.will_topic = &will_topic;
	client.will_message = &will_message;
	client.will_prop.user_prop[0].name = MQTT_UTF8_LITERAL("why");
	client.will_prop.user_prop[0].value = MQTT_UTF8_LITERAL("lost");
	if (start() != 0) {
		return;
	}
	list.prop.subscription_identifier = 7;
	list.prop.user_prop[0].name = MQTT_UTF8_LITERAL("purpose");
	list.prop.user_prop[0].value = MQTT_UTF8_LITERAL("test");
	printf("subscribe: %d\n", mqtt_subscribe(&client, &list));
	serve_until(&subacks, 1, 5000);
	message.prop.user_prop[0].name = MQTT_UTF8_LITERAL("sensor");
	message.prop.user_prop[0].value = MQTT_UTF8_LITERAL("t1");
	message.prop.user_prop[1].name = MQTT_UTF8_LITERAL("unit");
	message.prop.user_prop[1].value = MQTT_UTF8_LITERAL("C");
	message.prop.content_type = MQTT_UTF8_LITERAL("text/plain");
	printf("publish props: %d\n", mqtt_publish(&client, &message));
	serve_until(&pubacks, 1, 5000);
	printf("alias set: %d\n", publish_alias("levante5/out/alias", "first", 1));
	printf("alias used: %d\n", publish_alias("", "second", 1));
	printf("alias unknown: %d\n", publish_alias("", "third", 2));
	printf("alias too large: %d\n", publish_alias("levante5/out/x", "fourth", 1000));
	printf("no topic no alias: %d\n", publish_alias("", "fifth", 0));
	printf("ready\n");
	serve_until(&got_bye, 1, 20000);
	bye.prop.reason_string = MQTT_UTF8_LITERAL("leaving");
	printf("disconnect sent: %d\n", mqtt_disconnect(&client, &bye));
}

static void expiry(void)
{
	struct mqtt_subscription_list list = { subscriptions, 1, 1 };
	struct mqtt_disconnect_param normal = { .reason_code = MQTT_DISCONNECT_NORMAL };
	int tries = 0;

	init("levante5-expiry", false);
	client.prop.session_expiry_interval = 60;
	if (start() != 0) {
		return;
	}
	printf("subscribe: %d\n", mqtt_subscribe(&client, &list));
	serve_until(&subacks, 1, 5000);
	printf("disconnect sent: %d\n", mqtt_disconnect(&client, NULL));
	k_sleep(K_SECONDS(3));
	do {
		init("levante5-expiry", false);
		client.prop.session_expiry_interval = 60;
	} while (start() != 0 && ++tries < 10);
	serve_until(&got_kept, 1, 10000);
	printf("disconnect sent: %d\n", mqtt_disconnect(&client, &normal));
	/* Back without an expiry interval: the session is still there, and now ends with
	 * the connection. */
	for (int round = 0; round < 2; round++) {
		init("levante5-expiry", false);
		if (start() == 0) {
			printf("disconnect sent: %d\n", mqtt_disconnect(&client));
		}
	}
}

static void hostile(void)
{
	for (int round = 0; round < rounds; round++) {
		init("levante5-device", true);
		printf("round %d connect: %d\n", round, mqtt_connect(&client));
		serve_until(&disconnected, 1, 5000);
		if (!disconnected) {
			mqtt_abort(&client);
		}
	}
}

/* Supervisor RAM outside the client's partition: a user thread may not read it. */
static char private_name[] = "private";

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printf("fatal: reason=%u\n", reason); /* returns: only the faulting thread ends */
}

static int publish_with(const struct mqtt_utf8_pair *user, const struct mqtt_utf8 *type,
			uint8_t format)
{
	struct mqtt_publish_param param = {
		.message.topic = { .topic = MQTT_UTF8_LITERAL("levante5/args") },
		.message.payload = { (uint8_t *)"x", 1 },
	};

	if (user != NULL) {
		param.prop.user_prop[0] = *user;
	}
	if (type != NULL) {
		param.prop.content_type = *type;
	}
	param.prop.payload_format_indicator = format;
	return mqtt_publish(&client, &param);
}

static void bad_arguments(void)
{
	static const uint8_t not_utf8[] = { 0xFF, 0xFE };
	struct mqtt_utf8 long_type = { payload, 300 };
	struct mqtt_utf8_pair bad_user = { { not_utf8, 2 }, MQTT_UTF8_LITERAL("v") };
	struct mqtt_utf8_pair good_user = { MQTT_UTF8_LITERAL("k"), MQTT_UTF8_LITERAL("v") };
	struct mqtt_utf8_pair private_user = {
		{ (const uint8_t *)private_name, sizeof(private_name) - 1 }, MQTT_UTF8_LITERAL("v") };

	init("levante5-args", true);
	if (start() != 0) {
		return;
	}
	memset(payload, 'c', sizeof(payload));
	printf("long content type: %d\n", publish_with(NULL, &long_type, 0));
	printf("user not utf8: %d\n", publish_with(&bad_user, NULL, 0));
	printf("format 2: %d\n", publish_with(NULL, NULL, 2));
	printf("good: %d\n", publish_with(&good_user, NULL, 1));
	printf("private user: %d\n", publish_with(&private_user, NULL, 0));
	mqtt_disconnect(&client, NULL);
}

static void client_main(void *p1, void *p2, void *p3)
{
	broker.sin_family = AF_INET;
	broker.sin_port = htons(port);
	inet_pton(AF_INET, CONFIG_NET_CONFIG_PEER_IPV4_ADDR, &broker.sin_addr);
	if (strcmp(mode, "props") == 0) {
		props();
	} else if (strcmp(mode, "expiry") == 0) {
		expiry();
	} else if (strcmp(mode, "hostile") == 0) {
		hostile();
	} else if (strcmp(mode, "args") == 0) {
		bad_arguments();
	}
	printf("done\n");
}

static void read_command(void)
{
	const struct device *console = DEVICE_DT_GET(DT_CHOSEN(zephyr_console));
	char line[64];
	size_t length = 0;
	unsigned char c;

	while (length < sizeof(line) - 1 && uart_poll_in(console, &c) == 0 && c != '\n') {
		line[length++] = (char)c;
	}
	line[length] = '\0';
	port = atoi(line);
	rounds = 1;
	sscanf(line, "%*d %15s %d", mode, &rounds);
}

int main(void)
{
	read_command();
#ifdef CONFIG_USERSPACE
	static K_THREAD_STACK_DEFINE(client_stack, 4096);
	static struct k_thread client_thread;
	static struct k_mem_domain domain;
	struct k_mem_partition *parts[] = { &client_partition, &z_libc_partition };

	k_mem_domain_init(&domain, ARRAY_SIZE(parts), parts);
	k_tid_t tid = k_thread_create(&client_thread, client_stack, K_THREAD_STACK_SIZEOF(client_stack),
				      client_main, NULL, NULL, NULL, 5, K_USER, K_FOREVER);

	k_mem_domain_add_thread(&domain, tid);
	k_thread_start(tid);
	k_thread_join(&client_thread, K_FOREVER);
	printf("user thread: %s\n", k_is_user_context() ? "?" : "joined");
#else
	client_main(NULL, NULL, NULL);
#endif
	return 0;
}
