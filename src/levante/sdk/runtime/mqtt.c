/* Zephyr's MQTT client API (CONFIG_MQTT_LIB) over the kernel's MQTT sessions.
 *
 * This side opens and configures the client's socket (TCP or TLS) as Zephyr's
 * transports do, copies the client's values into the kernel's records, and turns the
 * kernel's decoded events into struct mqtt_evt for evt_cb, in the caller's context. It
 * never sees the broker's bytes: the kernel decodes them (syscalls/mqtt_calls.py).
 * MQTT 5.0's properties go both ways through mqtt_props.c. */
#include <zephyr/kernel.h>

#ifdef CONFIG_MQTT_LIB
#include <errno.h>
#include <string.h>
#include <zephyr/net/mqtt.h>
#include <zephyr/net/socket.h>
#include "mqtt_props.h"

/* struct mqtt_internal's state. */
#define MQTT_RUNTIME_IDLE 0
#define MQTT_RUNTIME_CONNECTED 1

/* MQTT packet types, as the kernel's records name them. */
#define PACKET_PUBLISH 3
#define PACKET_PUBACK 4
#define PACKET_PUBREC 5
#define PACKET_PUBREL 6
#define PACKET_PUBCOMP 7
#define PACKET_SUBSCRIBE 8
#define PACKET_UNSUBSCRIBE 10
#define PACKET_PINGREQ 12
#define PACKET_DISCONNECT 14
#define PACKET_AUTH 15

#define EVENT_RETAIN 1
#define EVENT_DUP 2
#define EVENT_SESSION_PRESENT 4

BUILD_ASSERT(sizeof(struct z_levante_mqtt_connect) == 72);
BUILD_ASSERT(sizeof(struct z_levante_mqtt_message) == 40);
BUILD_ASSERT(sizeof(struct z_levante_mqtt_event) == 44);
BUILD_ASSERT(sizeof(struct z_levante_mqtt_prop) == 24);

#if defined(CONFIG_MQTT_VERSION_5_0)
/* A packet's properties as the kernel's record wants them. */
#define PROPS(list) (list).items, (list).count

static bool is_v5(const struct mqtt_client *client)
{
	return client->protocol_version == MQTT_VERSION_5_0;
}
#endif
BUILD_ASSERT(sizeof(struct mqtt_topic) == 12);

static int client_socket(const struct mqtt_client *client)
{
	return client->transport.tcp.sock; /* tls.sock is the same word */
}

void mqtt_client_init(struct mqtt_client *client)
{
	if (client == NULL) {
		return;
	}
	memset(client, 0, sizeof(*client));
	client->transport.tcp.sock = -1;
	client->protocol_version = MQTT_VERSION_3_1_1;
	client->keepalive = CONFIG_MQTT_KEEPALIVE;
	client->clean_session = IS_ENABLED(CONFIG_MQTT_CLEAN_SESSION) ? 1U : 0U;
}

static void notify(struct mqtt_client *client, const struct mqtt_evt *evt)
{
	if (client->evt_cb != NULL) {
		client->evt_cb(client, evt);
	}
}

/* Close the socket, which ends the kernel's session. */
static void client_close(struct mqtt_client *client)
{
	int sock = client_socket(client);

	if (sock >= 0) {
		(void)zsock_close(sock);
	}
	client->transport.tcp.sock = -1;
	client->internal.state = MQTT_RUNTIME_IDLE;
	client->internal.remaining_payload = 0;
}

/* Close the socket and, when asked, tell evt_cb. */
static void client_disconnect(struct mqtt_client *client, int result, bool tell)
{
	client_close(client);
	if (tell) {
		struct mqtt_evt evt = { .type = MQTT_EVT_DISCONNECT, .result = result };

		notify(client, &evt);
	}
}

#if defined(CONFIG_MQTT_LIB_TLS)
static int set_tls_option(int sock, int name, const void *value, size_t length)
{
	return zsock_setsockopt(sock, SOL_TLS, name, value, length) < 0 ? -errno : 0;
}

/* Zephyr's TLS transport's settings, in its order. */
static int configure_tls(int sock, const struct mqtt_sec_config *config)
{
	int ret = set_tls_option(sock, TLS_PEER_VERIFY, &config->peer_verify,
				 sizeof(config->peer_verify));

	if (ret == 0 && config->cipher_list != NULL && config->cipher_count > 0) {
		ret = set_tls_option(sock, TLS_CIPHERSUITE_LIST, config->cipher_list,
				     sizeof(int) * config->cipher_count);
	}
	if (ret == 0 && config->sec_tag_list != NULL && config->sec_tag_count > 0) {
		ret = set_tls_option(sock, TLS_SEC_TAG_LIST, config->sec_tag_list,
				     sizeof(sec_tag_t) * config->sec_tag_count);
	}
#if defined(CONFIG_MQTT_LIB_TLS_USE_ALPN)
	if (ret == 0 && config->alpn_protocol_name_list != NULL &&
	    config->alpn_protocol_name_count > 0) {
		ret = set_tls_option(sock, TLS_ALPN_LIST, config->alpn_protocol_name_list,
				     sizeof(const char *) * config->alpn_protocol_name_count);
	}
#endif
	if (ret == 0 && config->hostname != NULL) {
		ret = set_tls_option(sock, TLS_HOSTNAME, config->hostname,
				     strlen(config->hostname) + 1);
	}
	return ret;
}
#endif

static int open_transport(struct mqtt_client *client)
{
	const struct sockaddr *broker = client->broker;
	int protocol = IPPROTO_TCP;
	socklen_t length;
	int sock;
	int ret = 0;

	if (broker == NULL) {
		return -EINVAL;
	}
	length = broker->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					       : sizeof(struct sockaddr_in);
	if (client->transport.type == MQTT_TRANSPORT_NON_SECURE) {
		protocol = IPPROTO_TCP;
#if defined(CONFIG_MQTT_LIB_TLS)
	} else if (client->transport.type == MQTT_TRANSPORT_SECURE) {
		protocol = IPPROTO_TLS_1_2;
#endif
	} else {
		return -ENOTSUP;
	}
	sock = zsock_socket(broker->sa_family, SOCK_STREAM, protocol);
	if (sock < 0) {
		return -errno;
	}
#if defined(CONFIG_MQTT_LIB_TLS)
	if (client->transport.type == MQTT_TRANSPORT_SECURE) {
		ret = configure_tls(sock, &client->transport.tls.config);
	}
#endif
	if (ret == 0 && zsock_connect(sock, broker, length) < 0) {
		ret = -errno;
	}
	if (ret < 0) {
		(void)zsock_close(sock);
		return ret;
	}
	client->transport.tcp.sock = sock;
	return 0;
}

int mqtt_connect(struct mqtt_client *client)
{
	struct z_levante_mqtt_connect record = { 0 };
#if defined(CONFIG_MQTT_VERSION_5_0)
	struct mqtt_prop_list props;
	struct mqtt_prop_list will_props;
#endif
	int ret;

	if (client == NULL || client->client_id.utf8 == NULL) {
		return -EINVAL;
	}
	if (client->tx_buf == NULL || client->rx_buf == NULL) {
		return -ENOMEM;
	}
	if (client->internal.state != MQTT_RUNTIME_IDLE) {
		return -EALREADY;
	}
	if (client->protocol_version == MQTT_VERSION_5_0 &&
	    !IS_ENABLED(CONFIG_MQTT_VERSION_5_0)) {
		return -EPROTONOSUPPORT; /* MQTT 5.0 needs CONFIG_MQTT_VERSION_5_0 */
	}
	ret = open_transport(client);
	if (ret < 0) {
		return ret;
	}
	record.client_id = client->client_id.utf8;
	record.client_id_len = client->client_id.size;
	if (client->user_name != NULL) {
		record.user_name = client->user_name->utf8;
		record.user_name_len = client->user_name->size;
	}
	if (client->password != NULL) {
		record.password = client->password->utf8;
		record.password_len = client->password->size;
	}
	if (client->will_topic != NULL) {
		record.will_topic = client->will_topic->topic.utf8;
		record.will_topic_len = client->will_topic->topic.size;
		record.will_qos = client->will_topic->qos;
		if (client->will_message != NULL) {
			record.will_message = client->will_message->utf8;
			record.will_message_len = client->will_message->size;
		}
	}
	record.flags = (client->will_retain ? 1U : 0U) | (client->clean_session ? 2U : 0U);
	record.keepalive = client->keepalive;
	record.protocol_version = client->protocol_version;
#if defined(CONFIG_MQTT_VERSION_5_0)
	if (is_v5(client)) {
		mqtt_props_connect(client, &props);
		mqtt_props_will(client, &will_props);
		record.props = props.items;
		record.prop_count = props.count;
		record.will_props = will_props.items;
		record.will_prop_count = will_props.count;
	}
#endif
	ret = z_levante_mqtt_connect(client_socket(client), &record);
	if (ret < 0) {
		client_disconnect(client, ret, false);
		return ret;
	}
	client->internal.state = MQTT_RUNTIME_CONNECTED;
	client->unacked_ping = 0;
	return 0;
}

/* A packet for the kernel to encode; reason code and properties are an MQTT 5.0
 * session's (the kernel reads them for one only). */
static int send_full(struct mqtt_client *client, uint32_t type, uint32_t message_id,
		     uint32_t flags, const struct mqtt_topic *topics, uint32_t topic_count,
		     const uint8_t *payload, uint32_t payload_len, uint32_t reason_code,
		     const struct z_levante_mqtt_prop *props, uint32_t prop_count)
{
	struct z_levante_mqtt_message message = {
		.type = type,
		.message_id = message_id,
		.flags = flags,
		.topics = topics,
		.topic_count = topic_count,
		.payload = payload,
		.payload_len = payload_len,
		.reason_code = reason_code,
		.props = props,
		.prop_count = prop_count,
	};

	if (client == NULL) {
		return -EINVAL;
	}
	if (client->internal.state != MQTT_RUNTIME_CONNECTED) {
		return -ENOTCONN;
	}
	return z_levante_mqtt_send(client_socket(client), &message);
}

static int send_message(struct mqtt_client *client, uint32_t type, uint32_t message_id,
			uint32_t flags, const struct mqtt_topic *topics, uint32_t topic_count,
			const uint8_t *payload, uint32_t payload_len)
{
	return send_full(client, type, message_id, flags, topics, topic_count, payload,
			 payload_len, 0, NULL, 0);
}

#if defined(CONFIG_MQTT_VERSION_5_0)
/* An acknowledgement with its reason code and properties. */
static int send_ack(struct mqtt_client *client, uint32_t type, uint16_t message_id,
		    uint8_t reason_code, const struct mqtt_common_ack_properties *prop)
{
	struct mqtt_prop_list props;

	mqtt_props_ack(prop, &props);
	return send_full(client, type, message_id, 0, NULL, 0, NULL, 0, reason_code,
			 PROPS(props));
}
#define SEND_ACK(client, type, param)                                                      \
	send_ack(client, type, (param)->message_id, (param)->reason_code, &(param)->prop)
#else
#define SEND_ACK(client, type, param)                                                      \
	send_message(client, type, (param)->message_id, 0, NULL, 0, NULL, 0)
#endif

int mqtt_publish(struct mqtt_client *client, const struct mqtt_publish_param *param)
{
	uint32_t flags;

	if (param == NULL) {
		return -EINVAL;
	}
	flags = (param->message.topic.qos & 3U) | (param->dup_flag ? 4U : 0U) |
		(param->retain_flag ? 8U : 0U);
#if defined(CONFIG_MQTT_VERSION_5_0)
	{
		struct mqtt_prop_list props;

		mqtt_props_publish(param, &props);
		return send_full(client, PACKET_PUBLISH, param->message_id, flags,
				 &param->message.topic, 1, param->message.payload.data,
				 param->message.payload.len, 0, PROPS(props));
	}
#else
	return send_message(client, PACKET_PUBLISH, param->message_id, flags,
			    &param->message.topic, 1, param->message.payload.data,
			    param->message.payload.len);
#endif
}

int mqtt_publish_qos1_ack(struct mqtt_client *client, const struct mqtt_puback_param *param)
{
	return param == NULL ? -EINVAL : SEND_ACK(client, PACKET_PUBACK, param);
}

int mqtt_publish_qos2_receive(struct mqtt_client *client,
			      const struct mqtt_pubrec_param *param)
{
	return param == NULL ? -EINVAL : SEND_ACK(client, PACKET_PUBREC, param);
}

int mqtt_publish_qos2_release(struct mqtt_client *client,
			      const struct mqtt_pubrel_param *param)
{
	return param == NULL ? -EINVAL : SEND_ACK(client, PACKET_PUBREL, param);
}

int mqtt_publish_qos2_complete(struct mqtt_client *client,
			       const struct mqtt_pubcomp_param *param)
{
	return param == NULL ? -EINVAL : SEND_ACK(client, PACKET_PUBCOMP, param);
}

static int send_subscription(struct mqtt_client *client, uint32_t type,
			     const struct mqtt_subscription_list *param)
{
#if defined(CONFIG_MQTT_VERSION_5_0)
	struct mqtt_prop_list props;

	if (param == NULL) {
		return -EINVAL;
	}
	mqtt_props_subscribe(param, type == PACKET_SUBSCRIBE, &props);
	return send_full(client, type, param->message_id, 0, param->list, param->list_count,
			 NULL, 0, 0, PROPS(props));
#else
	return param == NULL ? -EINVAL
			     : send_message(client, type, param->message_id, 0, param->list,
					    param->list_count, NULL, 0);
#endif
}

int mqtt_subscribe(struct mqtt_client *client, const struct mqtt_subscription_list *param)
{
	return send_subscription(client, PACKET_SUBSCRIBE, param);
}

int mqtt_unsubscribe(struct mqtt_client *client, const struct mqtt_subscription_list *param)
{
	return send_subscription(client, PACKET_UNSUBSCRIBE, param);
}

int mqtt_ping(struct mqtt_client *client)
{
	int ret = send_message(client, PACKET_PINGREQ, 0, 0, NULL, 0, NULL, 0);

	if (ret == 0 && client->unacked_ping < INT8_MAX) {
		client->unacked_ping++;
	}
	return ret;
}

int (mqtt_disconnect)(struct mqtt_client *client, const struct mqtt_disconnect_param *param)
{
#if defined(CONFIG_MQTT_VERSION_5_0)
	struct mqtt_prop_list props;
	int ret;

	mqtt_props_disconnect(param, &props);
	ret = send_full(client, PACKET_DISCONNECT, 0, 0, NULL, 0, NULL, 0,
			param == NULL ? 0U : (uint32_t)param->reason_code, PROPS(props));
#else
	int ret = send_message(client, PACKET_DISCONNECT, 0, 0, NULL, 0, NULL, 0);

	ARG_UNUSED(param); /* 3.1.1's DISCONNECT carries nothing */
#endif

	if (ret == 0) {
		client_disconnect(client, 0, true);
	}
	return ret;
}

#if defined(CONFIG_MQTT_VERSION_5_0)
int mqtt_auth(struct mqtt_client *client, const struct mqtt_auth_param *param)
{
	struct mqtt_prop_list props;

	if (param == NULL) {
		return -EINVAL;
	}
	mqtt_props_auth(param, &props);
	return send_full(client, PACKET_AUTH, 0, 0, NULL, 0, NULL, 0,
			 (uint32_t)param->reason_code, PROPS(props));
}
#endif

int mqtt_abort(struct mqtt_client *client)
{
	if (client == NULL) {
		return -EINVAL;
	}
	if (client->internal.state != MQTT_RUNTIME_IDLE) {
		client_disconnect(client, -ECONNABORTED, true);
	}
	return 0;
}

int mqtt_live(struct mqtt_client *client)
{
	int ret;

	if (client == NULL) {
		return -EINVAL;
	}
	if (client->internal.state != MQTT_RUNTIME_CONNECTED) {
		return -EAGAIN;
	}
	ret = z_levante_mqtt_live(client_socket(client));
	if (ret == 0 && client->unacked_ping < INT8_MAX) {
		client->unacked_ping++;
	}
	return ret;
}

int mqtt_keepalive_time_left(const struct mqtt_client *client)
{
	int left;

	if (client->keepalive == 0) {
		return -1;
	}
	if (client->internal.state != MQTT_RUNTIME_CONNECTED) {
		return 1000 * client->keepalive;
	}
	left = z_levante_mqtt_keepalive_left(client_socket(client));
	return left < 0 ? 1000 * client->keepalive : left;
}

/* One kernel event as Zephyr's struct mqtt_evt; topics and codes are in rx_buf. */
static void to_evt(const struct mqtt_client *client, const struct z_levante_mqtt_event *from,
		   struct mqtt_evt *evt)
{
	memset(evt, 0, sizeof(*evt));
	evt->type = (enum mqtt_evt_type)from->type;
	evt->result = from->result;
	switch (evt->type) {
	case MQTT_EVT_CONNACK:
		evt->param.connack.session_present_flag =
			(from->flags & EVENT_SESSION_PRESENT) ? 1U : 0U;
		evt->param.connack.return_code = (uint8_t)from->result;
		break;
	case MQTT_EVT_PUBLISH:
		evt->param.publish.message.topic.topic.utf8 = client->rx_buf;
		evt->param.publish.message.topic.topic.size = from->data_len;
		evt->param.publish.message.topic.qos = (uint8_t)from->qos;
		evt->param.publish.message.payload.data = NULL;
		evt->param.publish.message.payload.len = from->payload_len;
		evt->param.publish.message_id = (uint16_t)from->message_id;
		evt->param.publish.dup_flag = (from->flags & EVENT_DUP) ? 1U : 0U;
		evt->param.publish.retain_flag = (from->flags & EVENT_RETAIN) ? 1U : 0U;
		break;
	case MQTT_EVT_SUBACK:
		evt->param.suback.message_id = (uint16_t)from->message_id;
		evt->param.suback.return_codes.data = client->rx_buf;
		evt->param.suback.return_codes.len = from->data_len;
		break;
	case MQTT_EVT_DISCONNECT:
	case MQTT_EVT_PINGRESP:
	case MQTT_EVT_AUTH:
		break;
	default:
		/* PUBACK, PUBREC, PUBREL, PUBCOMP and UNSUBACK: the id is the first field of
		 * each of their params. */
		evt->param.puback.message_id = (uint16_t)from->message_id;
		break;
	}
#if defined(CONFIG_MQTT_VERSION_5_0)
	if (is_v5(client)) {
		if (evt->type == MQTT_EVT_UNSUBACK) {
			evt->param.unsuback.reason_codes.data = client->rx_buf;
			evt->param.unsuback.reason_codes.len = from->data_len;
		}
		mqtt_props_to_evt(from, from->props, evt);
	}
#endif
}

int mqtt_input(struct mqtt_client *client)
{
	if (client == NULL) {
		return -EINVAL;
	}
	if (client->internal.state != MQTT_RUNTIME_CONNECTED) {
		return -ENOTCONN;
	}
	if (client->internal.remaining_payload > 0) {
		return -EBUSY;
	}
	/* Every event the kernel has decoded: the socket may not be readable again for
	 * packets that arrived together. */
	for (;;) {
		struct z_levante_mqtt_event from = { 0 };
		struct mqtt_evt evt;
		int ret;

#if defined(CONFIG_MQTT_VERSION_5_0)
		struct z_levante_mqtt_prop records[MQTT_EVENT_PROPS_MAX];

		from.props = records;
		from.prop_capacity = ARRAY_SIZE(records);
#endif
		ret = z_levante_mqtt_input(client_socket(client), &from, client->rx_buf,
					   client->rx_buf_size);
		if (ret <= 0) {
			return ret;
		}
		to_evt(client, &from, &evt);
		if (from.type == MQTT_EVT_DISCONNECT) {
			/* the session ended (MQTT 5.0: the broker may have said why) */
			client_close(client);
			notify(client, &evt);
			return from.result;
		}
		if (evt.type == MQTT_EVT_PINGRESP) {
			client->unacked_ping = 0;
		}
		if (evt.type == MQTT_EVT_PUBLISH) {
			client->internal.remaining_payload = from.payload_len;
		}
		notify(client, &evt);
		if (evt.type == MQTT_EVT_CONNACK && evt.result != MQTT_CONNECTION_ACCEPTED) {
			client_disconnect(client, -ECONNREFUSED, true);
			return -ECONNREFUSED;
		}
		if (client->internal.state != MQTT_RUNTIME_CONNECTED ||
		    client->internal.remaining_payload > 0) {
			return 0; /* evt_cb disconnected, or left the payload to be read */
		}
	}
}

int mqtt_read_publish_payload(struct mqtt_client *client, void *buffer, size_t length)
{
	int ret;

	if (client == NULL) {
		return -EINVAL;
	}
	if (client->internal.remaining_payload == 0) {
		return 0;
	}
	if (length > client->internal.remaining_payload) {
		length = client->internal.remaining_payload;
	}
	ret = z_levante_mqtt_read_payload(client_socket(client), buffer, length);
	if (ret < 0) {
		client_disconnect(client, ret, true);
		return ret;
	}
	client->internal.remaining_payload -= (uint32_t)ret;
	return ret;
}

int mqtt_read_publish_payload_blocking(struct mqtt_client *client, void *buffer,
				       size_t length)
{
	/* The kernel holds the whole payload once the event is out: nothing to wait for. */
	return mqtt_read_publish_payload(client, buffer, length);
}

int mqtt_readall_publish_payload(struct mqtt_client *client, uint8_t *buffer, size_t length)
{
	size_t done = 0;

	while (done < length) {
		int ret = mqtt_read_publish_payload_blocking(client, buffer + done, length - done);

		if (ret < 0) {
			return ret;
		}
		if (ret == 0) {
			return -EIO;
		}
		done += (size_t)ret;
	}
	return 0;
}
#endif /* CONFIG_MQTT_LIB */
