/* MQTT 3.1.1 and 5.0 client (Zephyr's <zephyr/net/mqtt.h>, CONFIG_MQTT_LIB; 5.0 with
 * CONFIG_MQTT_VERSION_5_0 and protocol_version = MQTT_VERSION_5_0).
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
 * tx_buf is not used (the kernel encodes) but must be set, as Zephyr requires.
 *
 * MQTT 5.0 (Zephyr 4.2's API): the prop members of the client, of each parameter and of
 * each event. The kernel decodes a packet's properties; the runtime copies them into the
 * event's prop, with prop.rx.has_* set for those present, their strings pointing into
 * rx_buf. At most CONFIG_MQTT_USER_PROPERTIES_MAX user properties and
 * CONFIG_MQTT_SUBSCRIPTION_ID_PROPERTIES_MAX subscription identifiers are kept (the rest
 * are left out). A string or binary property sent is at most 256 bytes, 32 properties
 * per packet. mqtt_disconnect takes Zephyr 4.2's optional parameter (reason code and
 * properties); the one-argument form of earlier releases still compiles. */
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
	MQTT_EVT_AUTH,       /* MQTT 5.0: the broker's AUTH */
};

enum mqtt_version {
	MQTT_VERSION_3_1_0 = 3, /* refused by mqtt_connect: -EPROTONOSUPPORT */
	MQTT_VERSION_3_1_1 = 4,
	MQTT_VERSION_5_0 = 5,   /* needs CONFIG_MQTT_VERSION_5_0 */
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

/* MQTT 5.0 §3.2.2.2: CONNACK reason codes. */
enum mqtt_connect_reason_code {
	MQTT_CONNECT_SUCCESS = 0,
	MQTT_CONNECT_UNSPECIFIED_ERROR = 128,
	MQTT_CONNECT_MALFORMED_PACKET = 129,
	MQTT_CONNECT_PROTOCOL_ERROR = 130,
	MQTT_CONNECT_IMPL_SPECIFIC_ERROR = 131,
	MQTT_CONNECT_UNSUPPORTED_PROTO_ERROR = 132,
	MQTT_CONNECT_CLIENT_ID_NOT_VALID = 133,
	MQTT_CONNECT_BAD_USERNAME_OR_PASS = 134,
	MQTT_CONNECT_NOT_AUTHORIZED = 135,
	MQTT_CONNECT_SERVER_UNAVAILABLE = 136,
	MQTT_CONNECT_SERVER_BUSY = 137,
	MQTT_CONNECT_BANNED = 138,
	MQTT_CONNECT_BAD_AUTH_METHOD = 140,
	MQTT_CONNECT_TOPIC_NAME_INVALID = 144,
	MQTT_CONNECT_PACKET_TOO_LARGE = 149,
	MQTT_CONNECT_QUOTA_EXCEEDED = 151,
	MQTT_CONNECT_PAYLOAD_FORMAT_INVALID = 153,
	MQTT_CONNECT_RETAIN_NOT_SUPPORTED = 154,
	MQTT_CONNECT_QOS_NOT_SUPPORTED = 155,
	MQTT_CONNECT_USE_ANOTHER_SERVER = 156,
	MQTT_CONNECT_SERVER_MOVED = 157,
	MQTT_CONNECT_CONNECTION_RATE_EXCEEDED = 159,
};

/* MQTT 5.0 §3.14.2.1: DISCONNECT reason codes. */
enum mqtt_disconnect_reason {
	MQTT_DISCONNECT_NORMAL = 0,
	MQTT_DISCONNECT_WITH_WILL_MSG = 4,
	MQTT_DISCONNECT_UNSPECIFIED_ERROR = 128,
	MQTT_DISCONNECT_MALFORMED_PACKET = 129,
	MQTT_DISCONNECT_PROTOCOL_ERROR = 130,
	MQTT_DISCONNECT_IMPL_SPECIFIC_ERROR = 131,
	MQTT_DISCONNECT_NOT_AUTHORIZED = 135,
	MQTT_DISCONNECT_SERVER_BUSY = 137,
	MQTT_DISCONNECT_SERVER_SHUTTING_DOWN = 139,
	MQTT_DISCONNECT_KEEP_ALIVE_TIMEOUT = 141,
	MQTT_DISCONNECT_SESSION_TAKE_OVER = 142,
	MQTT_DISCONNECT_TOPIC_FILTER_INVALID = 143,
	MQTT_DISCONNECT_TOPIC_NAME_INVALID = 144,
	MQTT_DISCONNECT_RECV_MAX_EXCEEDED = 147,
	MQTT_DISCONNECT_TOPIC_ALIAS_INVALID = 148,
	MQTT_DISCONNECT_PACKET_TOO_LARGE = 149,
	MQTT_DISCONNECT_MESSAGE_RATE_TOO_HIGH = 150,
	MQTT_DISCONNECT_QUOTA_EXCEEDED = 151,
	MQTT_DISCONNECT_ADMIN_ACTION = 152,
	MQTT_DISCONNECT_PAYLOAD_FORMAT_INVALID = 153,
	MQTT_DISCONNECT_RETAIN_NOT_SUPPORTED = 154,
	MQTT_DISCONNECT_QOS_NOT_SUPPORTED = 155,
	MQTT_DISCONNECT_USE_ANOTHER_SERVER = 156,
	MQTT_DISCONNECT_SERVER_MOVED = 157,
	MQTT_DISCONNECT_SHARED_SUB_NOT_SUPPORTED = 158,
	MQTT_DISCONNECT_CONNECTION_RATE_EXCEEDED = 159,
	MQTT_DISCONNECT_MAX_CONNECT_TIME = 160,
	MQTT_DISCONNECT_SUB_ID_NOT_SUPPORTED = 161,
	MQTT_DISCONNECT_WILDCARD_SUB_NOT_SUPPORTED = 162,
};

/* MQTT 5.0 §3.15.2.1: AUTH reason codes. */
enum mqtt_auth_reason {
	MQTT_AUTH_SUCCESS = 0,
	MQTT_AUTH_CONTINUE_AUTHENTICATION = 24,
	MQTT_AUTH_RE_AUTHENTICATE = 25,
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

struct mqtt_utf8_pair {
	struct mqtt_utf8 name;
	struct mqtt_utf8 value;
};

#if defined(CONFIG_MQTT_VERSION_5_0)
/* The properties every acknowledgement may carry (MQTT 5.0 §3.4.2.2 and alike). */
struct mqtt_common_ack_properties {
	struct mqtt_utf8_pair user_prop[CONFIG_MQTT_USER_PROPERTIES_MAX];
	struct mqtt_utf8 reason_string;
	struct {
		bool has_reason_string;
		bool has_user_prop;
	} rx;                      /* which were in the packet received */
};
#endif

struct mqtt_publish_message {
	struct mqtt_topic topic;
	struct mqtt_binstr payload; /* received: data NULL, len the payload's length */
};

struct mqtt_connack_param {
	uint8_t session_present_flag;
	/* 3.1.1: enum mqtt_conn_return_code; 5.0: enum mqtt_connect_reason_code */
	uint8_t return_code;
#if defined(CONFIG_MQTT_VERSION_5_0)
	struct {
		struct mqtt_utf8_pair user_prop[CONFIG_MQTT_USER_PROPERTIES_MAX];
		struct mqtt_utf8 assigned_client_id;
		struct mqtt_utf8 reason_string;
		struct mqtt_utf8 response_information;
		struct mqtt_utf8 server_reference;
		struct mqtt_utf8 auth_method;
		struct mqtt_binstr auth_data;
		uint32_t session_expiry_interval;
		uint32_t maximum_packet_size;
		uint16_t receive_maximum;
		uint16_t topic_alias_maximum;
		uint16_t server_keep_alive;
		uint8_t maximum_qos;
		uint8_t retain_available;
		uint8_t wildcard_sub_available;
		uint8_t subscription_ids_available;
		uint8_t shared_sub_available;
		struct {
			bool has_session_expiry_interval;
			bool has_receive_maximum;
			bool has_maximum_qos;
			bool has_retain_available;
			bool has_maximum_packet_size;
			bool has_assigned_client_id;
			bool has_topic_alias_maximum;
			bool has_reason_string;
			bool has_user_prop;
			bool has_wildcard_sub_available;
			bool has_subscription_ids_available;
			bool has_shared_sub_available;
			bool has_server_keep_alive;
			bool has_response_information;
			bool has_server_reference;
			bool has_auth_method;
			bool has_auth_data;
		} rx;
	} prop;
#endif
};

/* PUBACK, PUBREC, PUBREL and PUBCOMP: the identifier first in each (5.0: the reason
 * code and properties follow). */
#if defined(CONFIG_MQTT_VERSION_5_0)
#define Z_MQTT_ACK_V5 uint8_t reason_code; struct mqtt_common_ack_properties prop;
#else
#define Z_MQTT_ACK_V5
#endif

struct mqtt_puback_param {
	uint16_t message_id;
	Z_MQTT_ACK_V5
};

struct mqtt_pubrec_param {
	uint16_t message_id;
	Z_MQTT_ACK_V5
};

struct mqtt_pubrel_param {
	uint16_t message_id;
	Z_MQTT_ACK_V5
};

struct mqtt_pubcomp_param {
	uint16_t message_id;
	Z_MQTT_ACK_V5
};

struct mqtt_suback_param {
	uint16_t message_id;
	struct mqtt_binstr return_codes; /* in rx_buf; 5.0: reason codes */
#if defined(CONFIG_MQTT_VERSION_5_0)
	struct mqtt_common_ack_properties prop;
#endif
};

struct mqtt_unsuback_param {
	uint16_t message_id;
#if defined(CONFIG_MQTT_VERSION_5_0)
	struct mqtt_binstr reason_codes; /* in rx_buf */
	struct mqtt_common_ack_properties prop;
#endif
};

struct mqtt_publish_param {
	struct mqtt_publish_message message;
	uint16_t message_id;
	uint8_t dup_flag : 1;
	uint8_t retain_flag : 1;
#if defined(CONFIG_MQTT_VERSION_5_0)
	struct {
		struct mqtt_utf8_pair user_prop[CONFIG_MQTT_USER_PROPERTIES_MAX];
		struct mqtt_utf8 response_topic;
		struct mqtt_binstr correlation_data;
		struct mqtt_utf8 content_type;
		/* received only: a client does not send them */
		uint32_t subscription_identifier[CONFIG_MQTT_SUBSCRIPTION_ID_PROPERTIES_MAX];
		uint32_t message_expiry_interval;
		/* sent: set with the topic to set an alias up, with an empty topic to use it
		 * (at most the broker's Topic Alias Maximum, and 16); received: the alias the broker
		 * used, the topic already resolved */
		uint16_t topic_alias;
		uint8_t payload_format_indicator;
		struct {
			bool has_payload_format_indicator;
			bool has_message_expiry_interval;
			bool has_topic_alias;
			bool has_response_topic;
			bool has_correlation_data;
			bool has_user_prop;
			bool has_subscription_identifier;
			bool has_content_type;
		} rx;
	} prop;
#endif
};

struct mqtt_subscription_list {
	struct mqtt_topic *list;
	uint16_t list_count;
	uint16_t message_id;
#if defined(CONFIG_MQTT_VERSION_5_0)
	struct {
		struct mqtt_utf8_pair user_prop[CONFIG_MQTT_USER_PROPERTIES_MAX];
		uint32_t subscription_identifier; /* 0: none; not sent with UNSUBSCRIBE */
	} prop;
#endif
};

/* mqtt_disconnect's optional parameter; 5.0 also the broker's DISCONNECT event. */
struct mqtt_disconnect_param {
#if defined(CONFIG_MQTT_VERSION_5_0)
	enum mqtt_disconnect_reason reason_code;
	struct {
		struct mqtt_utf8_pair user_prop[CONFIG_MQTT_USER_PROPERTIES_MAX];
		struct mqtt_utf8 reason_string;
		struct mqtt_utf8 server_reference;
		uint32_t session_expiry_interval;
		struct {
			bool has_session_expiry_interval;
			bool has_reason_string;
			bool has_user_prop;
			bool has_server_reference;
		} rx;
	} prop;
#else
	uint8_t unused; /* 3.1.1's DISCONNECT carries nothing */
#endif
};

#if defined(CONFIG_MQTT_VERSION_5_0)
struct mqtt_auth_param {
	enum mqtt_auth_reason reason_code;
	struct {
		struct mqtt_utf8_pair user_prop[CONFIG_MQTT_USER_PROPERTIES_MAX];
		struct mqtt_utf8 auth_method;
		struct mqtt_binstr auth_data;
		struct mqtt_utf8 reason_string;
		struct {
			bool has_auth_method;
			bool has_auth_data;
			bool has_reason_string;
			bool has_user_prop;
		} rx;
	} prop;
};
#endif

union mqtt_evt_param {
	struct mqtt_connack_param connack;
	struct mqtt_publish_param publish;
	struct mqtt_puback_param puback;
	struct mqtt_pubrec_param pubrec;
	struct mqtt_pubrel_param pubrel;
	struct mqtt_pubcomp_param pubcomp;
	struct mqtt_suback_param suback;
	struct mqtt_unsuback_param unsuback;
#if defined(CONFIG_MQTT_VERSION_5_0)
	struct mqtt_disconnect_param disconnect;
	struct mqtt_auth_param auth;
#endif
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
#if defined(CONFIG_MQTT_VERSION_5_0)
	struct {
		struct mqtt_utf8_pair user_prop[CONFIG_MQTT_USER_PROPERTIES_MAX];
		struct mqtt_utf8 content_type;
		struct mqtt_utf8 response_topic;
		struct mqtt_binstr correlation_data;
		uint32_t will_delay_interval;
		uint32_t message_expiry_interval;
		uint8_t payload_format_indicator;
	} will_prop;
#endif
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
#if defined(CONFIG_MQTT_VERSION_5_0)
	struct {
		struct mqtt_utf8_pair user_prop[CONFIG_MQTT_USER_PROPERTIES_MAX];
		struct mqtt_utf8 auth_method;
		struct mqtt_binstr auth_data;
		uint32_t session_expiry_interval;
		uint32_t maximum_packet_size;
		uint16_t receive_maximum;
		bool request_response_info;
		bool request_problem_info;
	} prop;
#endif
	uint8_t will_retain : 1;
	uint8_t clean_session : 1;
	void *user_data;
};

/* The runtime's records for the kernel (z_levante_mqtt_* system calls). */

/* One MQTT 5.0 property: an integer in value; a string or binary data in data and len;
 * a user property's name in data and len, its value in data2 and len2. */
struct z_levante_mqtt_prop {
	uint32_t id;
	uint32_t value;
	const uint8_t *data;
	uint32_t len;
	const uint8_t *data2;
	uint32_t len2;
};

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
	/* read for protocol version 5 only: */
	const struct z_levante_mqtt_prop *props;
	uint32_t prop_count;
	const struct z_levante_mqtt_prop *will_props;
	uint32_t will_prop_count;
};

struct z_levante_mqtt_message {
	uint32_t type;            /* the MQTT packet type: 3 PUBLISH ... 14 DISCONNECT */
	uint32_t message_id;
	uint32_t flags;           /* QoS in bits 0-1, 4: DUP, 8: RETAIN */
	const struct mqtt_topic *topics;
	uint32_t topic_count;
	const uint8_t *payload;
	uint32_t payload_len;
	/* read for an MQTT 5.0 session only: */
	uint32_t reason_code;
	const struct z_levante_mqtt_prop *props;
	uint32_t prop_count;
};

struct z_levante_mqtt_event {
	uint32_t type;            /* enum mqtt_evt_type */
	int32_t result;
	uint32_t message_id;
	uint32_t qos;
	uint32_t flags;           /* 1: retain, 2: dup, 4: session present */
	uint32_t data_len;        /* bytes written to rx_buf: a topic or SUBACK codes */
	uint32_t payload_len;
	/* an MQTT 5.0 session's: written by the kernel */
	uint32_t reason_code;
	uint32_t prop_count;
	/* given by the runtime: where the event's properties go, and how many fit */
	struct z_levante_mqtt_prop *props;
	uint32_t prop_capacity;
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
int (mqtt_disconnect)(struct mqtt_client *client, const struct mqtt_disconnect_param *param);
/* Zephyr before 4.2 took the client alone: both forms compile. */
#define Z_MQTT_DISCONNECT_FORM(_1, _2, form, ...) form
#define Z_MQTT_DISCONNECT_CLIENT_ONLY(client) (mqtt_disconnect)((client), NULL)
#define mqtt_disconnect(...)                                                               \
	Z_MQTT_DISCONNECT_FORM(__VA_ARGS__, (mqtt_disconnect),                             \
			       Z_MQTT_DISCONNECT_CLIENT_ONLY)(__VA_ARGS__)
#if defined(CONFIG_MQTT_VERSION_5_0)
int mqtt_auth(struct mqtt_client *client, const struct mqtt_auth_param *param);
#endif
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
