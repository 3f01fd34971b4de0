/* MQTT 5.0 properties between Zephyr's prop members and the kernel's records
 * (struct z_levante_mqtt_prop): the runtime's own, for mqtt.c. */
#ifndef LEVANTE_RUNTIME_MQTT_PROPS_H_
#define LEVANTE_RUNTIME_MQTT_PROPS_H_

#include <zephyr/net/mqtt.h>

#if defined(CONFIG_MQTT_VERSION_5_0)
/* The most properties one packet takes: a CONNECT's nine and its user properties. */
#define MQTT_PROPS_MAX (12 + CONFIG_MQTT_USER_PROPERTIES_MAX)
/* The most one event gives back: a CONNACK's seventeen, user properties and
 * subscription identifiers (the kernel leaves the excess out). */
#define MQTT_EVENT_PROPS_MAX                                                               \
	(18 + CONFIG_MQTT_USER_PROPERTIES_MAX + CONFIG_MQTT_SUBSCRIPTION_ID_PROPERTIES_MAX)

struct mqtt_prop_list {
	struct z_levante_mqtt_prop items[MQTT_PROPS_MAX];
	uint32_t count;
};

/* Outgoing: a packet's properties from the application's prop member. */
void mqtt_props_connect(const struct mqtt_client *client, struct mqtt_prop_list *list);
void mqtt_props_will(const struct mqtt_client *client, struct mqtt_prop_list *list);
void mqtt_props_publish(const struct mqtt_publish_param *param, struct mqtt_prop_list *list);
void mqtt_props_subscribe(const struct mqtt_subscription_list *param, bool subscribe,
			  struct mqtt_prop_list *list);
void mqtt_props_ack(const struct mqtt_common_ack_properties *prop,
		    struct mqtt_prop_list *list);
void mqtt_props_disconnect(const struct mqtt_disconnect_param *param,
			   struct mqtt_prop_list *list);
void mqtt_props_auth(const struct mqtt_auth_param *param, struct mqtt_prop_list *list);

/* Incoming: an event's properties (the kernel's records) into its param. */
void mqtt_props_to_evt(const struct z_levante_mqtt_event *from,
		       const struct z_levante_mqtt_prop *records, struct mqtt_evt *evt);
#endif

#endif /* LEVANTE_RUNTIME_MQTT_PROPS_H_ */
