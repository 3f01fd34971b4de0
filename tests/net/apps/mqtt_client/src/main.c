/*
 * The device side of the MQTT tests. The first console line names the broker's port on
 * the host (reached through the configured peer address) and what to do:
 *   "PORT pubsub": connect with a will, subscribe, publish at QoS 0, 1 and 2, receive
 *                  and acknowledge what the host publishes until "bye", see a keep-alive
 *                  ping answered, unsubscribe, disconnect; then connect again and abort
 *                  (the broker publishes the will);
 *   "PORT hostile N": connect N times to a broker that answers with broken packets,
 *                  printing how each session ended; the device stays up;
 *   "PORT persist": connect without clean session, subscribe at QoS 2, disconnect, and
 *                  three seconds later connect again (retrying while the broker is
 *                  down) to receive what was queued for the session meanwhile;
 *   "PORT args": connect, then hand the calls bad arguments: too many topics, a bad
 *                  topic, and (last) a topic in memory the caller may not read, which
 *                  faults a user thread and is published by a supervisor one;
 *   "PORT flood N": publish N QoS 0 messages as fast as the session takes them, then
 *                  one at QoS 1, and print the simulated time it took until its PUBACK;
 *   "PORT tls HOST": pubsub over MQTT_TRANSPORT_SECURE, the broker's certificate checked
 *                  against the CA that follows on the console (PEM, added under
 *                  security tag 1) and against the name HOST.
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
#include <zephyr/net/tls_credentials.h>

#define CA_TAG 1

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
CLIENT_BSS static uint8_t rx_buffer[256];
CLIENT_BSS static uint8_t tx_buffer[256];
CLIENT_BSS static uint8_t payload[512];
CLIENT_BSS static int port;
CLIENT_BSS static char mode[16];
CLIENT_BSS static int rounds;
CLIENT_BSS static char tls_hostname[64];
#ifdef CONFIG_MQTT_LIB_TLS
CLIENT_DATA static sec_tag_t sec_tags[] = { CA_TAG };
#endif
#ifdef CONFIG_MQTT_LIB_TLS_USE_ALPN
CLIENT_DATA static const char *alpn_names[] = { "mqtt" };
#endif
CLIENT_BSS static volatile int connacks, subacks, unsubacks, pubacks, pubcomps, pubrels;
CLIENT_BSS static volatile int pingresps;
CLIENT_BSS static volatile int disconnected, got_bye;
CLIENT_DATA static struct mqtt_topic will_topic = {
	.topic = { (const uint8_t *)"levante/will", 12 }, .qos = MQTT_QOS_1_AT_LEAST_ONCE };
CLIENT_DATA static struct mqtt_utf8 will_message = { (const uint8_t *)"gone", 4 };
CLIENT_DATA static struct mqtt_topic subscriptions[] = {
	{ .topic = { (const uint8_t *)"levante/in/#", 12 }, .qos = MQTT_QOS_2_EXACTLY_ONCE },
	{ .topic = { (const uint8_t *)"levante/retained", 16 }, .qos = MQTT_QOS_1_AT_LEAST_ONCE },
};

static void on_publish(struct mqtt_client *c, const struct mqtt_evt *evt)
{
	const struct mqtt_publish_param *p = &evt->param.publish;
	uint32_t length = p->message.payload.len;
	int ret;

	if (length >= sizeof(payload)) {
		length = sizeof(payload) - 1;
	}
	ret = mqtt_readall_publish_payload(c, payload, length);
	payload[ret == 0 ? length : 0] = '\0';
	printf("publish: topic=%.*s qos=%d retain=%d id=%d payload=%s\n",
	       (int)p->message.topic.topic.size, p->message.topic.topic.utf8,
	       p->message.topic.qos, p->retain_flag, p->message_id, (char *)payload);
	if (strcmp((char *)payload, "bye") == 0) {
		got_bye = 1;
	}
	if (p->message.topic.qos == MQTT_QOS_1_AT_LEAST_ONCE) {
		struct mqtt_puback_param ack = { .message_id = p->message_id };

		printf("puback sent: %d\n", mqtt_publish_qos1_ack(c, &ack));
	} else if (p->message.topic.qos == MQTT_QOS_2_EXACTLY_ONCE) {
		struct mqtt_pubrec_param rec = { .message_id = p->message_id };

		printf("pubrec sent: %d\n", mqtt_publish_qos2_receive(c, &rec));
	}
}

static void on_event(struct mqtt_client *c, const struct mqtt_evt *evt)
{
	switch (evt->type) {
	case MQTT_EVT_CONNACK:
		printf("connack: result=%d session=%d\n", evt->result,
		       evt->param.connack.session_present_flag);
		connacks++;
		break;
	case MQTT_EVT_DISCONNECT:
		printf("disconnect: result=%d\n", evt->result);
		disconnected = 1;
		break;
	case MQTT_EVT_PUBLISH:
		on_publish(c, evt);
		break;
	case MQTT_EVT_PUBACK:
		printf("puback: id=%d\n", evt->param.puback.message_id);
		pubacks++;
		break;
	case MQTT_EVT_PUBREC: {
		struct mqtt_pubrel_param rel = { .message_id = evt->param.pubrec.message_id };

		printf("pubrec: id=%d release=%d\n", rel.message_id,
		       mqtt_publish_qos2_release(c, &rel));
		break;
	}
	case MQTT_EVT_PUBREL: {
		struct mqtt_pubcomp_param comp = { .message_id = evt->param.pubrel.message_id };

		printf("pubrel: id=%d complete=%d\n", comp.message_id,
		       mqtt_publish_qos2_complete(c, &comp));
		pubrels++;
		break;
	}
	case MQTT_EVT_PUBCOMP:
		printf("pubcomp: id=%d\n", evt->param.pubcomp.message_id);
		pubcomps++;
		break;
	case MQTT_EVT_SUBACK:
		printf("suback: id=%d codes=", evt->param.suback.message_id);
		for (uint32_t i = 0; i < evt->param.suback.return_codes.len; i++) {
			printf("%s%d", i ? "," : "", evt->param.suback.return_codes.data[i]);
		}
		printf("\n");
		subacks++;
		break;
	case MQTT_EVT_UNSUBACK:
		printf("unsuback: id=%d\n", evt->param.unsuback.message_id);
		unsubacks++;
		break;
	case MQTT_EVT_PINGRESP:
		pingresps++;
		break;
	}
}

/* Serve the client until *flag reaches `target`, the session ends, or time runs out. */
static bool serve_until(volatile int *flag, int target, int timeout_ms)
{
	int64_t end = k_uptime_get() + timeout_ms;

	while (*flag < target && !disconnected && k_uptime_get() < end) {
		struct zsock_pollfd fds = { .fd = client.transport.tcp.sock, .events = ZSOCK_POLLIN };
		int wait = mqtt_keepalive_time_left(&client);

		if (wait < 0 || wait > 100) {
			wait = 100;
		}
		if (zsock_poll(&fds, 1, wait) > 0) {
			int ret = mqtt_input(&client);

			if (ret < 0) {
				printf("input: %d\n", ret);
			}
		}
		if (!disconnected) {
			int live = mqtt_live(&client);

			if (live != 0 && live != -EAGAIN) {
				printf("live: %d\n", live);
			}
		}
	}
	return *flag >= target;
}

static int start(bool with_will, bool clean)
{
	mqtt_client_init(&client);
	client.clean_session = clean ? 1U : 0U;
	client.broker = &broker;
	client.evt_cb = on_event;
	client.client_id = MQTT_UTF8_LITERAL("levante-device");
	client.rx_buf = rx_buffer;
	client.rx_buf_size = sizeof(rx_buffer);
	client.tx_buf = tx_buffer;
	client.tx_buf_size = sizeof(tx_buffer);
#ifdef CONFIG_MQTT_LIB_TLS
	if (tls_hostname[0] != '\0') {
		client.transport.type = MQTT_TRANSPORT_SECURE;
		client.transport.tls.config.peer_verify = TLS_PEER_VERIFY_REQUIRED;
		client.transport.tls.config.sec_tag_list = sec_tags;
		client.transport.tls.config.sec_tag_count = ARRAY_SIZE(sec_tags);
		client.transport.tls.config.hostname = tls_hostname;
#ifdef CONFIG_MQTT_LIB_TLS_USE_ALPN
		client.transport.tls.config.alpn_protocol_name_list = alpn_names;
		client.transport.tls.config.alpn_protocol_name_count = ARRAY_SIZE(alpn_names);
#endif
	}
#endif
	if (with_will) {
		client.will_topic = &will_topic;
		client.will_message = &will_message;
	}
	disconnected = 0;
	connacks = 0;
	int ret = mqtt_connect(&client);

	printf("connect: %d\n", ret);
	return ret == 0 && serve_until(&connacks, 1, 5000) && !disconnected ? 0 : -1;
}

static void publish(const char *topic, const char *text, int qos, int id)
{
	struct mqtt_publish_param param = {
		.message.topic = { .topic = { (const uint8_t *)topic, strlen(topic) }, .qos = qos },
		.message.payload = { (uint8_t *)text, strlen(text) },
		.message_id = id,
	};

	printf("publish sent: qos=%d %d\n", qos, mqtt_publish(&client, &param));
}

static void pubsub(void)
{
	struct mqtt_subscription_list list = { subscriptions, 2, 1 };

	if (start(true, true) != 0) {
		return;
	}
	printf("subscribe: %d\n", mqtt_subscribe(&client, &list));
	serve_until(&subacks, 1, 5000);
	publish("levante/out/q0", "zero", 0, 0);
	publish("levante/out/q1", "one", 1, 10);
	serve_until(&pubacks, 1, 5000);
	publish("levante/out/q2", "two", 2, 11);
	serve_until(&pubcomps, 1, 5000);
	serve_until(&got_bye, 1, 20000);
	printf("keepalive left: %s\n", mqtt_keepalive_time_left(&client) <= 2000 ? "ok" : "bad");
	serve_until(&pingresps, 1, 5000);
	printf("pingresp: %d unacked=%d\n", pingresps, client.unacked_ping);
	list.list_count = 1;
	list.message_id = 2;
	printf("unsubscribe: %d\n", mqtt_unsubscribe(&client, &list));
	serve_until(&unsubacks, 1, 5000);
	printf("disconnect sent: %d\n", mqtt_disconnect(&client));
	printf("publish after disconnect: %d\n", mqtt_publish(&client, &(struct mqtt_publish_param){
		.message.topic = subscriptions[0] }));
	if (start(true, true) == 0) {
		printf("abort: %d\n", mqtt_abort(&client));
	}
}

static void persist(void)
{
	struct mqtt_subscription_list list = { subscriptions, 1, 1 };
	int tries = 0;

	if (start(false, false) != 0) {
		return;
	}
	printf("subscribe: %d\n", mqtt_subscribe(&client, &list));
	serve_until(&subacks, 1, 5000);
	printf("disconnect sent: %d\n", mqtt_disconnect(&client));
	k_sleep(K_SECONDS(3));
	while (start(false, false) != 0 && ++tries < 20) {
		k_sleep(K_MSEC(500));
	}
	serve_until(&got_bye, 1, 10000);
	serve_until(&pubrels, 1, 5000);
	printf("disconnect sent: %d\n", mqtt_disconnect(&client));
}

/* Supervisor RAM outside the client's partition: a user thread may not read it. */
static char private_topic[] = "levante/private";

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printf("fatal: reason=%u\n", reason); /* returns: only the faulting thread ends */
}

static void bad_arguments(void)
{
	struct mqtt_topic many[9];
	struct mqtt_subscription_list list = { many, ARRAY_SIZE(many), 3 };

	if (start(false, true) != 0) {
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(many); i++) {
		many[i] = subscriptions[0];
	}
	printf("nine topics: %d\n", mqtt_subscribe(&client, &list));
	list.list_count = 0;
	printf("no topics: %d\n", mqtt_subscribe(&client, &list));
	publish("levante/#", "wildcard", 0, 0);
	publish("levante/ok", "fine", 0, 0);
	printf("keepalive left: %s\n", mqtt_keepalive_time_left(&client) > 0 ? "ok" : "bad");
	struct mqtt_publish_param param = {
		.message.topic = { .topic = { (const uint8_t *)private_topic,
					      sizeof(private_topic) - 1 } },
		.message.payload = { (uint8_t *)"private", 7 },
	};

	printf("private topic: %d\n", mqtt_publish(&client, &param));
	mqtt_disconnect(&client);
}

static void flood(void)
{
	char text[32];
	int64_t begin;
	int sent = 0;

	if (start(false, true) != 0) {
		return;
	}
	begin = k_uptime_get();
	while (sent < rounds) {
		struct mqtt_publish_param param = {
			.message.topic = { .topic = MQTT_UTF8_LITERAL("levante/flood") },
			.message.payload = { (uint8_t *)text,
					     snprintf(text, sizeof(text), "message %08d", sent) },
		};
		int ret = mqtt_publish(&client, &param);

		if (ret == -ENOMEM) { /* the bytes waiting for the socket fill the session */
			struct zsock_pollfd fds = { .fd = client.transport.tcp.sock,
						    .events = ZSOCK_POLLOUT };

			zsock_poll(&fds, 1, 10);
			continue;
		}
		if (ret != 0) {
			printf("flood: publish %d failed: %d\n", sent, ret);
			return;
		}
		sent++;
	}
	publish("levante/flood/end", "end", 1, 1);
	serve_until(&pubacks, 1, 60000);
	printf("flood: %d messages, %d ms simulated\n", sent, (int)(k_uptime_get() - begin));
	mqtt_disconnect(&client);
}

static void hostile(void)
{
	for (int round = 0; round < rounds; round++) {
		mqtt_client_init(&client);
		client.broker = &broker;
		client.evt_cb = on_event;
		client.client_id = MQTT_UTF8_LITERAL("levante-device");
		client.rx_buf = rx_buffer;
		client.rx_buf_size = sizeof(rx_buffer);
		client.tx_buf = tx_buffer;
		client.tx_buf_size = sizeof(tx_buffer);
		disconnected = 0;
		connacks = 0;
		printf("round %d connect: %d\n", round, mqtt_connect(&client));
		serve_until(&disconnected, 1, 5000);
		if (!disconnected) {
			mqtt_abort(&client);
		}
	}
}

static void client_main(void *p1, void *p2, void *p3)
{
	broker.sin_family = AF_INET;
	broker.sin_port = htons(port);
	inet_pton(AF_INET, CONFIG_NET_CONFIG_PEER_IPV4_ADDR, &broker.sin_addr);
	if (strcmp(mode, "pubsub") == 0 || strcmp(mode, "tls") == 0) {
		pubsub();
	} else if (strcmp(mode, "flood") == 0) {
		flood();
	} else if (strcmp(mode, "args") == 0) {
		bad_arguments();
	} else if (strcmp(mode, "persist") == 0) {
		persist();
	} else if (strcmp(mode, "hostile") == 0) {
		hostile();
	}
	printf("done\n");
}

static size_t read_line(char *line, size_t size)
{
	const struct device *console = DEVICE_DT_GET(DT_CHOSEN(zephyr_console));
	size_t length = 0;
	unsigned char c;

	while (length < size - 1 && uart_poll_in(console, &c) == 0 && c != '\n') {
		line[length++] = (char)c;
	}
	line[length] = '\0';
	return length;
}

/* The CA's PEM lines, up to its END line, into the kernel's credential store. */
static void read_ca(void)
{
#ifdef CONFIG_MQTT_LIB_TLS
	static char pem[2048];
	size_t used = 0;

	while (used < sizeof(pem) - 80) {
		size_t length = read_line(pem + used, sizeof(pem) - used - 1);

		pem[used + length] = '\n';
		used += length + 1;
		if (length == 0 || strstr(pem + used - length - 1, "-----END") != NULL) {
			break;
		}
	}
	pem[used] = '\0';
	printf("ca added: %d\n",
	       tls_credential_add(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE, pem, used + 1));
#else
	printf("ca added: %d\n", -ENOTSUP); /* built without CONFIG_MQTT_LIB_TLS */
#endif
}

static void read_command(void)
{
	char line[96];

	read_line(line, sizeof(line));
	port = atoi(line);
	rounds = 1;
	sscanf(line, "%*d %15s %d", mode, &rounds);
	if (strcmp(mode, "tls") == 0) {
		sscanf(line, "%*d %*s %63s", tls_hostname);
		read_ca();
	}
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
