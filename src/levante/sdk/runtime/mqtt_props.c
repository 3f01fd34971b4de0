/* MQTT 5.0 properties (CONFIG_MQTT_VERSION_5_0): Zephyr's prop members turned into the
 * kernel's records for a packet sent, and the records of a packet received (decoded and
 * bounded by the kernel, strings in rx_buf) turned into the event's prop with its
 * rx.has_* flags. As Zephyr's client, a zero integer, an empty string and a false flag
 * are not sent. */
#include <zephyr/kernel.h>

#if defined(CONFIG_MQTT_LIB) && defined(CONFIG_MQTT_VERSION_5_0)
#include <string.h>
#include "mqtt_props.h"

/* MQTT 5.0 §2.2.2.2: property identifiers. */
#define PROP_PAYLOAD_FORMAT 0x01
#define PROP_MESSAGE_EXPIRY 0x02
#define PROP_CONTENT_TYPE 0x03
#define PROP_RESPONSE_TOPIC 0x08
#define PROP_CORRELATION_DATA 0x09
#define PROP_SUBSCRIPTION_ID 0x0B
#define PROP_SESSION_EXPIRY 0x11
#define PROP_ASSIGNED_CLIENT_ID 0x12
#define PROP_SERVER_KEEP_ALIVE 0x13
#define PROP_AUTH_METHOD 0x15
#define PROP_AUTH_DATA 0x16
#define PROP_REQUEST_PROBLEM_INFO 0x17
#define PROP_WILL_DELAY 0x18
#define PROP_REQUEST_RESPONSE_INFO 0x19
#define PROP_RESPONSE_INFO 0x1A
#define PROP_SERVER_REFERENCE 0x1C
#define PROP_REASON_STRING 0x1F
#define PROP_RECEIVE_MAXIMUM 0x21
#define PROP_TOPIC_ALIAS_MAXIMUM 0x22
#define PROP_TOPIC_ALIAS 0x23
#define PROP_MAXIMUM_QOS 0x24
#define PROP_RETAIN_AVAILABLE 0x25
#define PROP_USER 0x26
#define PROP_MAXIMUM_PACKET_SIZE 0x27
#define PROP_WILDCARD_SUB 0x28
#define PROP_SUB_IDS 0x29
#define PROP_SHARED_SUB 0x2A

static struct z_levante_mqtt_prop *next(struct mqtt_prop_list *list, uint8_t id)
{
	struct z_levante_mqtt_prop *item;

	if (list->count >= MQTT_PROPS_MAX) {
		return NULL; /* cannot happen: sized for the largest packet */
	}
	item = &list->items[list->count++];
	memset(item, 0, sizeof(*item));
	item->id = id;
	return item;
}

static void add_int(struct mqtt_prop_list *list, uint8_t id, uint32_t value)
{
	struct z_levante_mqtt_prop *item = value != 0 ? next(list, id) : NULL;

	if (item != NULL) {
		item->value = value;
	}
}

static void add_text(struct mqtt_prop_list *list, uint8_t id, const struct mqtt_utf8 *text)
{
	struct z_levante_mqtt_prop *item = text->size != 0 ? next(list, id) : NULL;

	if (item != NULL) {
		item->data = text->utf8;
		item->len = text->size;
	}
}

static void add_binary(struct mqtt_prop_list *list, uint8_t id, const struct mqtt_binstr *bin)
{
	struct z_levante_mqtt_prop *item = bin->len != 0 ? next(list, id) : NULL;

	if (item != NULL) {
		item->data = bin->data;
		item->len = bin->len;
	}
}

/* The user properties up to the first without a name. */
static void add_users(struct mqtt_prop_list *list, const struct mqtt_utf8_pair *pairs)
{
	for (int i = 0; i < CONFIG_MQTT_USER_PROPERTIES_MAX && pairs[i].name.size != 0; i++) {
		struct z_levante_mqtt_prop *item = next(list, PROP_USER);

		if (item == NULL) {
			return;
		}
		item->data = pairs[i].name.utf8;
		item->len = pairs[i].name.size;
		item->data2 = pairs[i].value.utf8;
		item->len2 = pairs[i].value.size;
	}
}

void mqtt_props_connect(const struct mqtt_client *client, struct mqtt_prop_list *list)
{
	list->count = 0;
	add_int(list, PROP_SESSION_EXPIRY, client->prop.session_expiry_interval);
	add_int(list, PROP_RECEIVE_MAXIMUM, client->prop.receive_maximum);
	add_int(list, PROP_MAXIMUM_PACKET_SIZE, client->prop.maximum_packet_size);
	add_int(list, PROP_TOPIC_ALIAS_MAXIMUM, CONFIG_MQTT_TOPIC_ALIAS_MAX);
	add_int(list, PROP_REQUEST_RESPONSE_INFO, client->prop.request_response_info ? 1 : 0);
	add_int(list, PROP_REQUEST_PROBLEM_INFO, client->prop.request_problem_info ? 1 : 0);
	add_users(list, client->prop.user_prop);
	add_text(list, PROP_AUTH_METHOD, &client->prop.auth_method);
	add_binary(list, PROP_AUTH_DATA, &client->prop.auth_data);
}

void mqtt_props_will(const struct mqtt_client *client, struct mqtt_prop_list *list)
{
	list->count = 0;
	add_int(list, PROP_WILL_DELAY, client->will_prop.will_delay_interval);
	add_int(list, PROP_PAYLOAD_FORMAT, client->will_prop.payload_format_indicator);
	add_int(list, PROP_MESSAGE_EXPIRY, client->will_prop.message_expiry_interval);
	add_text(list, PROP_CONTENT_TYPE, &client->will_prop.content_type);
	add_text(list, PROP_RESPONSE_TOPIC, &client->will_prop.response_topic);
	add_binary(list, PROP_CORRELATION_DATA, &client->will_prop.correlation_data);
	add_users(list, client->will_prop.user_prop);
}

void mqtt_props_publish(const struct mqtt_publish_param *param, struct mqtt_prop_list *list)
{
	list->count = 0;
	add_int(list, PROP_PAYLOAD_FORMAT, param->prop.payload_format_indicator);
	add_int(list, PROP_MESSAGE_EXPIRY, param->prop.message_expiry_interval);
	add_int(list, PROP_TOPIC_ALIAS, param->prop.topic_alias);
	add_text(list, PROP_RESPONSE_TOPIC, &param->prop.response_topic);
	add_binary(list, PROP_CORRELATION_DATA, &param->prop.correlation_data);
	add_users(list, param->prop.user_prop);
	add_text(list, PROP_CONTENT_TYPE, &param->prop.content_type);
}

void mqtt_props_subscribe(const struct mqtt_subscription_list *param, bool subscribe,
			  struct mqtt_prop_list *list)
{
	list->count = 0;
	if (subscribe) {
		add_int(list, PROP_SUBSCRIPTION_ID, param->prop.subscription_identifier);
	}
	add_users(list, param->prop.user_prop);
}

void mqtt_props_ack(const struct mqtt_common_ack_properties *prop, struct mqtt_prop_list *list)
{
	list->count = 0;
	add_text(list, PROP_REASON_STRING, &prop->reason_string);
	add_users(list, prop->user_prop);
}

void mqtt_props_disconnect(const struct mqtt_disconnect_param *param,
			   struct mqtt_prop_list *list)
{
	list->count = 0;
	if (param == NULL) {
		return;
	}
	add_int(list, PROP_SESSION_EXPIRY, param->prop.session_expiry_interval);
	add_text(list, PROP_REASON_STRING, &param->prop.reason_string);
	add_users(list, param->prop.user_prop);
	add_text(list, PROP_SERVER_REFERENCE, &param->prop.server_reference);
}

void mqtt_props_auth(const struct mqtt_auth_param *param, struct mqtt_prop_list *list)
{
	list->count = 0;
	add_text(list, PROP_AUTH_METHOD, &param->prop.auth_method);
	add_binary(list, PROP_AUTH_DATA, &param->prop.auth_data);
	add_text(list, PROP_REASON_STRING, &param->prop.reason_string);
	add_users(list, param->prop.user_prop);
}

/* ---- incoming --------------------------------------------------------------------- */

/* Where one property goes: its field (an integer of `size` bytes, or a string or
 * binary when size is 0 or 0xFF) and its rx.has_* flag. */
struct slot {
	uint8_t id;
	uint8_t size;
	void *field;
	bool *has;
};

#define SLOT_UTF8 0
#define SLOT_BINARY 0xFF

/* User properties and subscription identifiers of one event, where they go. */
struct repeated {
	struct mqtt_utf8_pair *users;
	bool *has_users;
	uint32_t *sub_ids;
	bool *has_sub_ids;
};

static void set_slot(const struct slot *slot, const struct z_levante_mqtt_prop *record)
{
	switch (slot->size) {
	case 1:
		*(uint8_t *)slot->field = (uint8_t)record->value;
		break;
	case 2:
		*(uint16_t *)slot->field = (uint16_t)record->value;
		break;
	case 4:
		*(uint32_t *)slot->field = record->value;
		break;
	case SLOT_UTF8:
		((struct mqtt_utf8 *)slot->field)->utf8 = record->data;
		((struct mqtt_utf8 *)slot->field)->size = record->len;
		break;
	default:
		((struct mqtt_binstr *)slot->field)->data = (uint8_t *)record->data;
		((struct mqtt_binstr *)slot->field)->len = record->len;
		break;
	}
	*slot->has = true;
}

static void apply(const struct z_levante_mqtt_prop *records, uint32_t count,
		  const struct slot *slots, size_t slot_count, const struct repeated *repeated)
{
	int users = 0;
	int sub_ids = 0;

	for (uint32_t i = 0; i < count; i++) {
		const struct z_levante_mqtt_prop *record = &records[i];

		if (record->id == PROP_USER && repeated->users != NULL) {
			if (users < CONFIG_MQTT_USER_PROPERTIES_MAX) {
				repeated->users[users].name.utf8 = record->data;
				repeated->users[users].name.size = record->len;
				repeated->users[users].value.utf8 = record->data2;
				repeated->users[users].value.size = record->len2;
				users++;
			}
			*repeated->has_users = true;
			continue;
		}
		if (record->id == PROP_SUBSCRIPTION_ID && repeated->sub_ids != NULL) {
			if (sub_ids < CONFIG_MQTT_SUBSCRIPTION_ID_PROPERTIES_MAX) {
				repeated->sub_ids[sub_ids++] = record->value;
			}
			*repeated->has_sub_ids = true;
			continue;
		}
		for (size_t s = 0; s < slot_count; s++) {
			if (slots[s].id == record->id) {
				set_slot(&slots[s], record);
				break;
			}
		}
	}
}

static void connack_props(struct mqtt_connack_param *p, const struct z_levante_mqtt_prop *r,
			  uint32_t count)
{
	const struct slot slots[] = {
		{ PROP_SESSION_EXPIRY, 4, &p->prop.session_expiry_interval,
		  &p->prop.rx.has_session_expiry_interval },
		{ PROP_RECEIVE_MAXIMUM, 2, &p->prop.receive_maximum,
		  &p->prop.rx.has_receive_maximum },
		{ PROP_MAXIMUM_QOS, 1, &p->prop.maximum_qos, &p->prop.rx.has_maximum_qos },
		{ PROP_RETAIN_AVAILABLE, 1, &p->prop.retain_available,
		  &p->prop.rx.has_retain_available },
		{ PROP_MAXIMUM_PACKET_SIZE, 4, &p->prop.maximum_packet_size,
		  &p->prop.rx.has_maximum_packet_size },
		{ PROP_ASSIGNED_CLIENT_ID, SLOT_UTF8, &p->prop.assigned_client_id,
		  &p->prop.rx.has_assigned_client_id },
		{ PROP_TOPIC_ALIAS_MAXIMUM, 2, &p->prop.topic_alias_maximum,
		  &p->prop.rx.has_topic_alias_maximum },
		{ PROP_REASON_STRING, SLOT_UTF8, &p->prop.reason_string,
		  &p->prop.rx.has_reason_string },
		{ PROP_WILDCARD_SUB, 1, &p->prop.wildcard_sub_available,
		  &p->prop.rx.has_wildcard_sub_available },
		{ PROP_SUB_IDS, 1, &p->prop.subscription_ids_available,
		  &p->prop.rx.has_subscription_ids_available },
		{ PROP_SHARED_SUB, 1, &p->prop.shared_sub_available,
		  &p->prop.rx.has_shared_sub_available },
		{ PROP_SERVER_KEEP_ALIVE, 2, &p->prop.server_keep_alive,
		  &p->prop.rx.has_server_keep_alive },
		{ PROP_RESPONSE_INFO, SLOT_UTF8, &p->prop.response_information,
		  &p->prop.rx.has_response_information },
		{ PROP_SERVER_REFERENCE, SLOT_UTF8, &p->prop.server_reference,
		  &p->prop.rx.has_server_reference },
		{ PROP_AUTH_METHOD, SLOT_UTF8, &p->prop.auth_method, &p->prop.rx.has_auth_method },
		{ PROP_AUTH_DATA, SLOT_BINARY, &p->prop.auth_data, &p->prop.rx.has_auth_data },
	};
	const struct repeated repeated = { p->prop.user_prop, &p->prop.rx.has_user_prop, NULL,
					   NULL };

	apply(r, count, slots, ARRAY_SIZE(slots), &repeated);
}

static void publish_props(struct mqtt_publish_param *p, const struct z_levante_mqtt_prop *r,
			  uint32_t count)
{
	const struct slot slots[] = {
		{ PROP_PAYLOAD_FORMAT, 1, &p->prop.payload_format_indicator,
		  &p->prop.rx.has_payload_format_indicator },
		{ PROP_MESSAGE_EXPIRY, 4, &p->prop.message_expiry_interval,
		  &p->prop.rx.has_message_expiry_interval },
		{ PROP_TOPIC_ALIAS, 2, &p->prop.topic_alias, &p->prop.rx.has_topic_alias },
		{ PROP_RESPONSE_TOPIC, SLOT_UTF8, &p->prop.response_topic,
		  &p->prop.rx.has_response_topic },
		{ PROP_CORRELATION_DATA, SLOT_BINARY, &p->prop.correlation_data,
		  &p->prop.rx.has_correlation_data },
		{ PROP_CONTENT_TYPE, SLOT_UTF8, &p->prop.content_type,
		  &p->prop.rx.has_content_type },
	};
	const struct repeated repeated = { p->prop.user_prop, &p->prop.rx.has_user_prop,
					   p->prop.subscription_identifier,
					   &p->prop.rx.has_subscription_identifier };

	apply(r, count, slots, ARRAY_SIZE(slots), &repeated);
}

static void ack_props(struct mqtt_common_ack_properties *p, const struct z_levante_mqtt_prop *r,
		      uint32_t count)
{
	const struct slot slots[] = {
		{ PROP_REASON_STRING, SLOT_UTF8, &p->reason_string, &p->rx.has_reason_string },
	};
	const struct repeated repeated = { p->user_prop, &p->rx.has_user_prop, NULL, NULL };

	apply(r, count, slots, ARRAY_SIZE(slots), &repeated);
}

static void disconnect_props(struct mqtt_disconnect_param *p,
			     const struct z_levante_mqtt_prop *r, uint32_t count)
{
	const struct slot slots[] = {
		{ PROP_SESSION_EXPIRY, 4, &p->prop.session_expiry_interval,
		  &p->prop.rx.has_session_expiry_interval },
		{ PROP_REASON_STRING, SLOT_UTF8, &p->prop.reason_string,
		  &p->prop.rx.has_reason_string },
		{ PROP_SERVER_REFERENCE, SLOT_UTF8, &p->prop.server_reference,
		  &p->prop.rx.has_server_reference },
	};
	const struct repeated repeated = { p->prop.user_prop, &p->prop.rx.has_user_prop, NULL,
					   NULL };

	apply(r, count, slots, ARRAY_SIZE(slots), &repeated);
}

static void auth_props(struct mqtt_auth_param *p, const struct z_levante_mqtt_prop *r,
		       uint32_t count)
{
	const struct slot slots[] = {
		{ PROP_AUTH_METHOD, SLOT_UTF8, &p->prop.auth_method, &p->prop.rx.has_auth_method },
		{ PROP_AUTH_DATA, SLOT_BINARY, &p->prop.auth_data, &p->prop.rx.has_auth_data },
		{ PROP_REASON_STRING, SLOT_UTF8, &p->prop.reason_string,
		  &p->prop.rx.has_reason_string },
	};
	const struct repeated repeated = { p->prop.user_prop, &p->prop.rx.has_user_prop, NULL,
					   NULL };

	apply(r, count, slots, ARRAY_SIZE(slots), &repeated);
}

void mqtt_props_to_evt(const struct z_levante_mqtt_event *from,
		       const struct z_levante_mqtt_prop *records, struct mqtt_evt *evt)
{
	uint32_t count = from->prop_count;
	union mqtt_evt_param *param = &evt->param;

	switch (evt->type) {
	case MQTT_EVT_CONNACK:
		connack_props(&param->connack, records, count);
		break;
	case MQTT_EVT_PUBLISH:
		publish_props(&param->publish, records, count);
		break;
	case MQTT_EVT_PUBACK:
		param->puback.reason_code = (uint8_t)from->reason_code;
		ack_props(&param->puback.prop, records, count);
		break;
	case MQTT_EVT_PUBREC:
		param->pubrec.reason_code = (uint8_t)from->reason_code;
		ack_props(&param->pubrec.prop, records, count);
		break;
	case MQTT_EVT_PUBREL:
		param->pubrel.reason_code = (uint8_t)from->reason_code;
		ack_props(&param->pubrel.prop, records, count);
		break;
	case MQTT_EVT_PUBCOMP:
		param->pubcomp.reason_code = (uint8_t)from->reason_code;
		ack_props(&param->pubcomp.prop, records, count);
		break;
	case MQTT_EVT_SUBACK:
		ack_props(&param->suback.prop, records, count);
		break;
	case MQTT_EVT_UNSUBACK:
		ack_props(&param->unsuback.prop, records, count);
		break;
	case MQTT_EVT_DISCONNECT:
		param->disconnect.reason_code = (enum mqtt_disconnect_reason)from->reason_code;
		disconnect_props(&param->disconnect, records, count);
		break;
	case MQTT_EVT_AUTH:
		param->auth.reason_code = (enum mqtt_auth_reason)from->reason_code;
		auth_props(&param->auth, records, count);
		break;
	default:
		break;
	}
}
#endif /* CONFIG_MQTT_LIB && CONFIG_MQTT_VERSION_5_0 */
