/* A sensor node: every CONFIG_SENSOR_NODE_INTERVAL_MS it samples the virtual sensor and
 * publishes the reading as JSON to CONFIG_SENSOR_NODE_TOPIC at QoS 1, over MQTT/TLS (the
 * broker's certificate checked against the CA built in, under security tag 1, and against
 * CONFIG_SENSOR_NODE_BROKER_HOST). Updates arrive through MCUmgr's SMP server on UDP port
 * 1337, a kernel service this program does not see. The latest reading is also served
 * over CoAP (UDP port 5683): GET /sensor, observable (a notification per reading).
 * An image the boot stage swapped in for a test confirms itself once the broker has
 * acknowledged its first reading: an update that cannot publish is reverted at the next
 * reset. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/dfu/mcuboot.h>
#include <zephyr/drivers/sensor.h>
#include <zephyr/net/coap_service.h>
#include <zephyr/net/mqtt.h>
#include <zephyr/net/socket.h>
#include <zephyr/net/tls_credentials.h>

#define CA_TAG 1
#define CONNACK_WAIT_MS 2000 /* for the broker to answer a connection */

static const unsigned char ca_certificate[] = {
#include "ca_certificate.inc"
};

static const struct device *const sensor = DEVICE_DT_GET(DT_ALIAS(ambient_temp0));
static sec_tag_t sec_tags[] = { CA_TAG };
static struct mqtt_client client;
static struct sockaddr_storage broker;
static uint8_t rx_buffer[256];
static uint8_t tx_buffer[256];
static char payload[192];
/* The latest reading, for the CoAP server's thread; `reading_lock` guards it. */
static char latest[192] = "{}";
static K_MUTEX_DEFINE(reading_lock);
static bool connected;
static bool confirmed;
static uint32_t sequence;

static void on_event(struct mqtt_client *c, const struct mqtt_evt *evt)
{
	ARG_UNUSED(c);
	switch (evt->type) {
	case MQTT_EVT_CONNACK:
		connected = evt->result == 0;
		printk("sensor_node: connected: %d\n", evt->result);
		break;
	case MQTT_EVT_DISCONNECT:
		connected = false;
		printk("sensor_node: disconnected: %d\n", evt->result);
		break;
	case MQTT_EVT_PUBACK:
		if (!confirmed) {
			/* The first reading reached the broker: this image works, keep it. */
			confirmed = true;
			if (!boot_is_img_confirmed()) {
				printk("sensor_node: image confirmed: %d\n",
				       boot_write_img_confirmed());
			}
		}
		break;
	default:
		break;
	}
}

/* ---- CoAP: GET /sensor, observable ----------------------------------------------- */

static uint16_t coap_port = 5683;
COAP_SERVICE_DEFINE(sensor_service, NULL, &coap_port, COAP_SERVICE_AUTOSTART);

/* The latest reading as a 2.05 response (with Observe when `age` is set). */
static int send_reading(struct coap_resource *resource, const struct sockaddr *addr,
			socklen_t addr_len, uint8_t type, uint16_t id, const uint8_t *token,
			uint8_t tkl, int age)
{
	uint8_t buffer[CONFIG_COAP_SERVER_MESSAGE_SIZE];
	struct coap_packet response;
	int r = coap_packet_init(&response, buffer, sizeof(buffer), COAP_VERSION_1, type, tkl,
				 token, COAP_RESPONSE_CODE_CONTENT, id);

	if (r == 0 && age >= 2) {
		r = coap_append_option_int(&response, COAP_OPTION_OBSERVE, (unsigned int)age);
	}
	r = r ?: coap_append_option_int(&response, COAP_OPTION_CONTENT_FORMAT,
					COAP_CONTENT_FORMAT_APP_JSON);
	r = r ?: coap_packet_append_payload_marker(&response);
	if (r == 0) {
		k_mutex_lock(&reading_lock, K_FOREVER);
		r = coap_packet_append_payload(&response, (const uint8_t *)latest,
					       (uint16_t)strlen(latest));
		k_mutex_unlock(&reading_lock);
	}
	return r ?: coap_resource_send(resource, &response, addr, addr_len, NULL);
}

static int sensor_get(struct coap_resource *resource, struct coap_packet *request,
		      struct sockaddr *addr, socklen_t addr_len)
{
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint8_t tkl = coap_header_get_token(request, token);
	int observe = coap_resource_parse_observe(resource, request, addr);
	bool con = coap_header_get_type(request) == COAP_TYPE_CON;

	return send_reading(resource, addr, addr_len, con ? COAP_TYPE_ACK : COAP_TYPE_NON_CON,
			    coap_header_get_id(request), token, tkl,
			    observe == 0 ? resource->age : 0);
}

static void sensor_notify(struct coap_resource *resource, struct coap_observer *observer)
{
	(void)send_reading(resource, &observer->addr, sizeof(observer->addr),
			   COAP_TYPE_NON_CON, coap_next_id(), observer->token, observer->tkl,
			   resource->age);
}

static const char *const sensor_path[] = { "sensor", NULL };
COAP_RESOURCE_DEFINE(sensor_resource, sensor_service, {
	.get = sensor_get, .notify = sensor_notify, .path = sensor_path,
});

/* ---- MQTT ---------------------------------------------------------------------------- */

static int resolve_broker(void)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
	struct addrinfo *found = NULL;
	char port[8];
	int status;

	snprintf(port, sizeof(port), "%d", CONFIG_SENSOR_NODE_BROKER_PORT);
	status = getaddrinfo(CONFIG_SENSOR_NODE_BROKER_HOST, port, &hints, &found);
	if (status != 0) {
		return -EHOSTUNREACH;
	}
	memcpy(&broker, found->ai_addr, found->ai_addrlen);
	freeaddrinfo(found);
	return 0;
}

static int connect_broker(void)
{
	struct zsock_pollfd fds;
	int status = resolve_broker();

	if (status != 0) {
		return status;
	}
	mqtt_client_init(&client);
	client.broker = &broker;
	client.evt_cb = on_event;
	client.client_id = MQTT_UTF8_LITERAL("levante-sensor-node");
	client.rx_buf = rx_buffer;
	client.rx_buf_size = sizeof(rx_buffer);
	client.tx_buf = tx_buffer;
	client.tx_buf_size = sizeof(tx_buffer);
	client.transport.type = MQTT_TRANSPORT_SECURE;
	client.transport.tls.config.peer_verify = TLS_PEER_VERIFY_REQUIRED;
	client.transport.tls.config.sec_tag_list = sec_tags;
	client.transport.tls.config.sec_tag_count = ARRAY_SIZE(sec_tags);
	client.transport.tls.config.hostname = CONFIG_SENSOR_NODE_BROKER_HOST;
	status = mqtt_connect(&client);
	if (status != 0) {
		return status;
	}
	fds.fd = client.transport.tls.sock;
	fds.events = ZSOCK_POLLIN;
	if (zsock_poll(&fds, 1, CONNACK_WAIT_MS) <= 0) {
		mqtt_abort(&client);
		return -ETIMEDOUT;
	}
	mqtt_input(&client);
	if (!connected) {
		mqtt_abort(&client);
		return -ECONNREFUSED;
	}
	return 0;
}

/* A sensor value as a decimal with three places (the sensor API's fixed point). */
static int format_milli(char *out, size_t size, const struct sensor_value *value)
{
	int64_t milli = sensor_value_to_milli(value);
	const char *sign = milli < 0 ? "-" : "";

	if (milli < 0) {
		milli = -milli;
	}
	return snprintf(out, size, "%s%ld.%03ld", sign, (long)(milli / 1000),
			(long)(milli % 1000));
}

/* Sample the sensor into `payload` and `latest`, and notify CoAP observers. */
static int take_reading(void)
{
	struct sensor_value temperature, humidity, pressure;
	char t[16], h[16], p[16];
	int status = sensor_sample_fetch(sensor);

	if (status == 0) {
		status = sensor_channel_get(sensor, SENSOR_CHAN_AMBIENT_TEMP, &temperature);
	}
	if (status == 0) {
		status = sensor_channel_get(sensor, SENSOR_CHAN_HUMIDITY, &humidity);
	}
	if (status == 0) {
		status = sensor_channel_get(sensor, SENSOR_CHAN_PRESS, &pressure);
	}
	if (status != 0) {
		printk("sensor_node: sensor read failed: %d\n", status);
		return status;
	}
	format_milli(t, sizeof(t), &temperature);
	format_milli(h, sizeof(h), &humidity);
	format_milli(p, sizeof(p), &pressure);
	sequence++;
	snprintf(payload, sizeof(payload),
		 "{\"version\":\"%s\",\"seq\":%u,\"temperature\":%s,\"humidity\":%s,"
		 "\"pressure\":%s}",
		 CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION, (unsigned int)sequence, t, h, p);
	k_mutex_lock(&reading_lock, K_FOREVER);
	strcpy(latest, payload);
	k_mutex_unlock(&reading_lock);
	(void)coap_resource_notify(&sensor_resource);
	return 0;
}

static int publish_reading(void)
{
	struct mqtt_publish_param message = {
		.message.topic.topic = MQTT_UTF8_LITERAL(CONFIG_SENSOR_NODE_TOPIC),
		.message.topic.qos = MQTT_QOS_1_AT_LEAST_ONCE,
		.message.payload.data = (uint8_t *)payload,
		.message.payload.len = strlen(payload),
		.message_id = (uint16_t)(sequence % 0xffffu) + 1, /* never 0 */
	};
	int status = mqtt_publish(&client, &message);

	if (status == 0) {
		printk("sensor_node: published %s\n", payload);
	}
	return status;
}

/* Serve the session (acknowledgements, keep-alive) until `until` (uptime in ms). */
static void serve_until(int64_t until)
{
	for (int64_t now = k_uptime_get(); connected && now < until; now = k_uptime_get()) {
		struct zsock_pollfd fds = { .fd = client.transport.tls.sock,
					    .events = ZSOCK_POLLIN };

		if (zsock_poll(&fds, 1, (int)(until - now)) > 0 && mqtt_input(&client) != 0) {
			break;
		}
		mqtt_live(&client);
	}
}

int main(void)
{
	int status = tls_credential_add(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE, ca_certificate,
					sizeof(ca_certificate));

	printk("sensor_node: running version %s\n", CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION);
	if (status != 0 || !device_is_ready(sensor)) {
		printk("sensor_node: cannot start: CA %d, sensor %s\n", status,
		       device_is_ready(sensor) ? "ready" : "not ready");
		return 0;
	}
	for (;;) {
		int64_t next = k_uptime_get() + CONFIG_SENSOR_NODE_INTERVAL_MS;

		if (take_reading() == 0) {
			if (!connected) {
				status = connect_broker();
				if (status != 0) {
					printk("sensor_node: cannot reach the broker: %d\n", status);
				}
			}
			if (connected && publish_reading() != 0) {
				printk("sensor_node: publish failed\n");
				mqtt_abort(&client);
				connected = false;
			}
		}
		serve_until(next);
		if (k_uptime_get() < next) {
			k_msleep((int32_t)(next - k_uptime_get()));
		}
	}
	return 0;
}
