/* MQTT 3.1.1 client (Zephyr's <zephyr/net/mqtt.h>, CONFIG_MQTT_LIB).
 *
 * The application keeps Zephyr's struct mqtt_client and calls Zephyr's functions; the
 * session itself is the kernel's. mqtt_connect opens and connects the client's socket
 * (TCP, or TLS with MQTT_TRANSPORT_SECURE) and starts a kernel session on it; from then
 * on the kernel encodes every packet sent and decodes every packet received with its
 * hardened codec, keeps the QoS and keep-alive state, and passes each PUBLISH (either
 * way), SUBSCRIBE and UNSUBSCRIBE through its service control point. mqtt_input takes
 * decoded events from the kernel and calls evt_cb with each, in the caller's context;
 * a PUBLISH's topic is copied into rx_buf and its payload is read from the kernel with
 * mqtt_read_publish_payload[_blocking] or mqtt_readall_publish_payload.
 *
 * Limits (the kernel's): packets of at most 16 KiB either way, topics of at most 256
 * bytes, 8 topics per SUBSCRIBE or UNSUBSCRIBE, 16 QoS 1/2 packet identifiers in
 * flight. A broker that sends a malformed or oversized packet ends the session: evt_cb
 * gets MQTT_EVT_DISCONNECT with -EBADMSG or -EMSGSIZE, and mqtt_input returns it.
 * tx_buf is not used (the kernel encodes) but must be set, as Zephyr requires. */
#ifndef ZEPHYR_INCLUDE_NET_MQTT_H_
#define ZEPHYR_INCLUDE_NET_MQTT_H_

#include <stddef.h>
#include <zephyr/kernel.h>
#include <zephyr/types.h>
#include <zephyr/net/net_ip.h>
#include <zephyr/net/socket.h>
#include <zephyr/net/tls_credentials.h>

#ifdef __cplusplus
extern "C" {
#endif

enum mqtt_evt_type {
	MQTT_EVT_CONNACK,    /* the broker's answer to CONNECT (result: its return code) */
	MQTT_EVT_DISCONNECT, /* the session ended (result: 0, or why) */
	MQTT_EVT_PUBLISH,    /* a message; read its payload before the next mqtt_input */
	MQTT_EVT_PUBACK,
	MQTT_EVT_PUBREC,
	MQTT_EVT_PUBREL,
	MQTT_EVT_PUBCOMP,
	MQTT_EVT_SUBACK,
	MQTT_EVT_UNSUBACK,
	MQTT_EVT_PINGRESP,
};

enum mqtt_version {
	MQTT_VERSION_3_1_0 = 3, /* refused by mqtt_connect: -EPROTONOSUPPORT */
	MQTT_VERSION_3_1_1 = 4,
};

enum mqtt_qos {
	MQTT_QOS_0_AT_MOST_ONCE = 0x00,
	MQTT_QOS_1_AT_LEAST_ONCE = 0x01,
	MQTT_QOS_2_EXACTLY_ONCE = 0x02,
};

enum mqtt_conn_return_code {
	MQTT_CONNECTION_ACCEPTED = 0x00,
	MQTT_UNACCEPTABLE_PROTOCOL_VERSION = 0x01,
	MQTT_IDENTIFIER_REJECTED = 0x02,
	MQTT_SERVER_UNAVAILABLE = 0x03,
	MQTT_BAD_USER_NAME_OR_PASSWORD = 0x04,
	MQTT_NOT_AUTHORIZED = 0x05,
};

enum mqtt_suback_return_code {
	MQTT_SUBACK_SUCCESS_QoS_0 = 0x00,
	MQTT_SUBACK_SUCCESS_QoS_1 = 0x01,
	MQTT_SUBACK_SUCCESS_QoS_2 = 0x02,
	MQTT_SUBACK_FAILURE = 0x80,
};

struct mqtt_utf8 {
	const uint8_t *utf8;
	uint32_t size;
};

#define MQTT_UTF8_LITERAL(literal) ((struct mqtt_utf8){ (const uint8_t *)(literal), sizeof(literal) - 1 })

struct mqtt_binstr {
	uint8_t *data;
	uint32_t len;
};

struct mqtt_topic {
	struct mqtt_utf8 topic;
	uint8_t qos;
};

struct mqtt_publish_message {
	struct mqtt_topic topic;
	struct mqtt_binstr payload; /* received: data NULL, len the payload's length */
};

struct mqtt_connack_param {
	uint8_t session_present_flag;
	enum mqtt_conn_return_code return_code;
};

struct mqtt_puback_param {
	uint16_t message_id;
};

struct mqtt_pubrec_param {
	uint16_t message_id;
};

struct mqtt_pubrel_param {
	uint16_t message_id;
};

struct mqtt_pubcomp_param {
	uint16_t message_id;
};

struct mqtt_suback_param {
	uint16_t message_id;
	struct mqtt_binstr return_codes; /* in rx_buf */
};

struct mqtt_unsuback_param {
	uint16_t message_id;
};

struct mqtt_publish_param {
	struct mqtt_publish_message message;
	uint16_t message_id;
	uint8_t dup_flag : 1;
	uint8_t retain_flag : 1;
};

struct mqtt_subscription_list {
	struct mqtt_topic *list;
	uint16_t list_count;
	uint16_t message_id;
};

union mqtt_evt_param {
	struct mqtt_connack_param connack;
	struct mqtt_publish_param publish;
	struct mqtt_puback_param puback;
	struct mqtt_pubrec_param pubrec;
	struct mqtt_pubrel_param pubrel;
	struct mqtt_pubcomp_param pubcomp;
	struct mqtt_suback_param suback;
	struct mqtt_unsuback_param unsuback;
};

struct mqtt_evt {
	enum mqtt_evt_type type;
	union mqtt_evt_param param;
	int result;
};

struct mqtt_client;

typedef void (*mqtt_evt_cb_t)(struct mqtt_client *client, const struct mqtt_evt *evt);

/* MQTT_TRANSPORT_SECURE's settings, set on the TLS socket as SOL_TLS options. */
struct mqtt_sec_config {
	int peer_verify;              /* TLS_PEER_VERIFY_* */
	uint32_t cipher_count;
	const int *cipher_list;       /* IANA numbers; none: the defaults */
	uint32_t sec_tag_count;
	const sec_tag_t *sec_tag_list;
#if defined(CONFIG_MQTT_LIB_TLS_USE_ALPN)
	const char **alpn_protocol_name_list;
	uint32_t alpn_protocol_name_count;
#endif
	const char *hostname;         /* SNI and the name the certificate must carry */
	int cert_nocopy;              /* kept for Zephyr's sources: credentials are always
	                               * the kernel's own copies here */
};

enum mqtt_transport_type {
	MQTT_TRANSPORT_NON_SECURE,
#if defined(CONFIG_MQTT_LIB_TLS)
	MQTT_TRANSPORT_SECURE,
#endif
	MQTT_TRANSPORT_NUM
};

struct mqtt_transport {
	enum mqtt_transport_type type;
	union {
		struct {
			int sock;
		} tcp;
#if defined(CONFIG_MQTT_LIB_TLS)
		struct {
			int sock;
			struct mqtt_sec_config config;
		} tls;
#endif
	};
};

struct mqtt_internal {
	uint32_t state;             /* the runtime's: idle, connected */
	uint32_t remaining_payload; /* bytes of the last PUBLISH not read yet */
};

struct mqtt_client {
	struct mqtt_internal internal;
	struct mqtt_transport transport;
	struct mqtt_utf8 client_id;
	const void *broker;         /* a struct sockaddr_in or sockaddr_in6 */
	struct mqtt_utf8 *user_name;
	struct mqtt_utf8 *password;
	struct mqtt_topic *will_topic;
	struct mqtt_utf8 *will_message;
	mqtt_evt_cb_t evt_cb;
	uint8_t *rx_buf;            /* receives topics and SUBACK codes */
	uint32_t rx_buf_size;
	uint8_t *tx_buf;
	uint32_t tx_buf_size;
	uint16_t keepalive;         /* seconds; CONFIG_MQTT_KEEPALIVE by mqtt_client_init */
	uint8_t protocol_version;
	int8_t unacked_ping;
	uint8_t will_retain : 1;
	uint8_t clean_session : 1;
	void *user_data;
};

/* The runtime's records for the kernel (z_levante_mqtt_* system calls). */
struct z_levante_mqtt_connect {
	const uint8_t *client_id;
	uint32_t client_id_len;
	const uint8_t *user_name; /* NULL: none */
	uint32_t user_name_len;
	const uint8_t *password;  /* NULL: none */
	uint32_t password_len;
	const uint8_t *will_topic; /* NULL: no will */
	uint32_t will_topic_len;
	const uint8_t *will_message;
	uint32_t will_message_len;
	uint32_t will_qos;
	uint32_t flags;           /* 1: will retain, 2: clean session */
	uint32_t keepalive;
	uint32_t protocol_version;
};

struct z_levante_mqtt_message {
	uint32_t type;            /* the MQTT packet type: 3 PUBLISH ... 14 DISCONNECT */
	uint32_t message_id;
	uint32_t flags;           /* QoS in bits 0-1, 4: DUP, 8: RETAIN */
	const struct mqtt_topic *topics;
	uint32_t topic_count;
	const uint8_t *payload;
	uint32_t payload_len;
};

struct z_levante_mqtt_event {
	uint32_t type;            /* enum mqtt_evt_type */
	int32_t result;
	uint32_t message_id;
	uint32_t qos;
	uint32_t flags;           /* 1: retain, 2: dup, 4: session present */
	uint32_t data_len;        /* bytes written to rx_buf: a topic or SUBACK codes */
	uint32_t payload_len;
};

void mqtt_client_init(struct mqtt_client *client);
int mqtt_connect(struct mqtt_client *client);
int mqtt_publish(struct mqtt_client *client, const struct mqtt_publish_param *param);
int mqtt_publish_qos1_ack(struct mqtt_client *client, const struct mqtt_puback_param *param);
int mqtt_publish_qos2_receive(struct mqtt_client *client,
			      const struct mqtt_pubrec_param *param);
int mqtt_publish_qos2_release(struct mqtt_client *client,
			      const struct mqtt_pubrel_param *param);
int mqtt_publish_qos2_complete(struct mqtt_client *client,
			       const struct mqtt_pubcomp_param *param);
int mqtt_subscribe(struct mqtt_client *client, const struct mqtt_subscription_list *param);
int mqtt_unsubscribe(struct mqtt_client *client, const struct mqtt_subscription_list *param);
int mqtt_ping(struct mqtt_client *client);
int mqtt_disconnect(struct mqtt_client *client);
int mqtt_abort(struct mqtt_client *client);
int mqtt_live(struct mqtt_client *client);
int mqtt_keepalive_time_left(const struct mqtt_client *client);
int mqtt_input(struct mqtt_client *client);
int mqtt_read_publish_payload(struct mqtt_client *client, void *buffer, size_t length);
int mqtt_read_publish_payload_blocking(struct mqtt_client *client, void *buffer,
				       size_t length);
int mqtt_readall_publish_payload(struct mqtt_client *client, uint8_t *buffer, size_t length);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_NET_MQTT_H_ */
