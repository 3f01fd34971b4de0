/* The APIs Zephyr's CoAP server sample relies on, in Levante's own program: resources with
 * CoRE Link Format attributes, the coap_mgmt events (a static handler and a callback, with
 * their information), the `coap_service` shell command, and IPv6 addresses and a
 * multicast group added by hand.  tests/net/test_coap_service_apis.py drives it. */
#include <zephyr/kernel.h>
#include <zephyr/net/coap_link_format.h>
#include <zephyr/net/coap_mgmt.h>
#include <zephyr/net/coap_service.h>
#include <zephyr/net/net_if.h>
#include "ipv6.h"
#include "net_private.h"

static uint16_t port = 5683;
static int reading = 21;

COAP_SERVICE_DEFINE(things, NULL, &port, COAP_SERVICE_AUTOSTART);

/* The reading, as a response (ACK) or a confirmable notification (Observe: age). */
static int send_reading(struct coap_resource *resource, const struct sockaddr *addr,
			uint8_t type, uint16_t id, const uint8_t *token, uint8_t tkl, int age)
{
	uint8_t buf[64];
	struct coap_packet response;
	char text[8];
	int length = snprintk(text, sizeof(text), "%d", reading);

	if (coap_packet_init(&response, buf, sizeof(buf), COAP_VERSION_1, type, tkl, token,
			     COAP_RESPONSE_CODE_CONTENT, id) < 0 ||
	    (age >= 0 && coap_append_option_int(&response, COAP_OPTION_OBSERVE, age) < 0) ||
	    coap_packet_append_payload_marker(&response) < 0 ||
	    coap_packet_append_payload(&response, (const uint8_t *)text, (uint16_t)length) < 0) {
		return -EINVAL;
	}
	return coap_resource_send(resource, &response, addr, sizeof(struct sockaddr_in6), NULL);
}

static int temp_get(struct coap_resource *resource, struct coap_packet *request,
		    struct sockaddr *addr, socklen_t addr_len)
{
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint8_t tkl = coap_header_get_token(request, token);
	int observe = coap_resource_parse_observe(resource, request, addr);

	ARG_UNUSED(addr_len);
	return send_reading(resource, addr, COAP_TYPE_ACK, coap_header_get_id(request), token,
			    tkl, observe == 0 ? resource->age : -1);
}

/* A deregistered client answers the next confirmable notification with a Reset, which
 * ends the observation (RFC 7641 §3.6): the observer removed event. */
static void temp_notify(struct coap_resource *resource, struct coap_observer *observer)
{
	(void)send_reading(resource, &observer->addr, COAP_TYPE_CON, coap_next_id(),
			   observer->token, observer->tkl, resource->age);
}

static const char *const temp_path[] = { "temp", NULL };
static const char *const temp_attributes[] = { "rt=temperature", "obs", NULL };
COAP_RESOURCE_DEFINE(temp, things, {
	.get = temp_get,
	.notify = temp_notify,
	.path = temp_path,
	.user_data = &((struct coap_core_metadata){ .attributes = temp_attributes }),
});

static int led_put(struct coap_resource *resource, struct coap_packet *request,
		   struct sockaddr *addr, socklen_t addr_len)
{
	ARG_UNUSED(resource), ARG_UNUSED(request), ARG_UNUSED(addr), ARG_UNUSED(addr_len);
	return COAP_RESPONSE_CODE_CHANGED;
}

static const char *const led_path[] = { "led", NULL };
static const char *const led_attributes[] = { "rt=light", "title=\"The LED\"", NULL };
COAP_RESOURCE_DEFINE(led, things, {
	.put = led_put,
	.path = led_path,
	.user_data = &((struct coap_core_metadata){ .attributes = led_attributes }),
});

static void warm_up(struct k_work *work);
static K_WORK_DELAYABLE_DEFINE(reading_work, warm_up);

static void warm_up(struct k_work *work)
{
	extern struct coap_resource temp;

	ARG_UNUSED(work);
	reading++;
	(void)coap_resource_notify(&temp);
	k_work_reschedule(&reading_work, K_MSEC(500));
}

/* The static handler: every CoAP event, with its information. */
static void on_coap_event(uint32_t event, struct net_if *iface, void *info, size_t length,
			  void *user_data)
{
	const char *whose = user_data;

	if (event == NET_EVENT_COAP_SERVICE_STARTED || event == NET_EVENT_COAP_SERVICE_STOPPED) {
		const struct net_event_coap_service *service = info;

		printk("%s: service %s %s (iface %s)\n", whose, service->service->name,
		       event == NET_EVENT_COAP_SERVICE_STARTED ? "started" : "stopped",
		       iface == NULL ? "none" : "set");
	} else if (length == sizeof(struct net_event_coap_observer)) {
		const struct net_event_coap_observer *observer = info;

		printk("%s: observer %s on /%s\n", whose,
		       event == NET_EVENT_COAP_OBSERVER_ADDED ? "added" : "removed",
		       observer->resource->path[0]);
	}
}

NET_MGMT_REGISTER_EVENT_HANDLER(coap_events,
				NET_EVENT_COAP_SERVICE_STARTED | NET_EVENT_COAP_SERVICE_STOPPED |
					NET_EVENT_COAP_OBSERVER_ADDED |
					NET_EVENT_COAP_OBSERVER_REMOVED,
				on_coap_event, "handler");

/* A callback added at run time sees the same information. */
static struct net_mgmt_event_callback observer_callback;

static void on_observer(struct net_mgmt_event_callback *cb, uint32_t event, struct net_if *iface)
{
	ARG_UNUSED(iface);
	printk("callback: event %u with %u bytes\n", (unsigned int)(event & 0xFFFFU),
	       (unsigned int)cb->info_length);
}

static void show(const char *what, int result)
{
	printk("%s: %d\n", what, result);
}

int main(void)
{
	struct in6_addr extra, configured, group, unicast;
	struct net_if *iface = net_if_get_default();
	struct net_if *found = NULL;

	net_mgmt_init_event_callback(&observer_callback, on_observer,
				     NET_EVENT_COAP_OBSERVER_ADDED |
					     NET_EVENT_COAP_OBSERVER_REMOVED);
	net_mgmt_add_event_callback(&observer_callback);

	(void)net_addr_pton(AF_INET6, "2001:db8::5", &extra);
	(void)net_addr_pton(AF_INET6, "2001:db8::1", &configured);
	(void)net_addr_pton(AF_INET6, "ff02::fd", &group);
	(void)net_addr_pton(AF_INET6, "2001:db8::7", &unicast);

	struct net_if_addr *added = net_if_ipv6_addr_add(iface, &extra, NET_ADDR_MANUAL, 0);

	printk("added %s state %d type %d\n", net_sprint_ipv6_addr(&extra),
	       added ? added->addr_state : -9, added ? added->addr_type : -9);
	struct net_if_addr *known = net_if_ipv6_addr_lookup(&configured, &found);

	printk("configured state %d iface %s\n", known ? known->addr_state : -9,
	       found == iface ? "default" : "other");
	show("lookup unknown", net_if_ipv6_addr_lookup(&unicast, NULL) == NULL ? 0 : 1);
	show("join", net_ipv6_mld_join(iface, &group));
	show("join again", net_ipv6_mld_join(iface, &group));
	show("join unicast", net_ipv6_mld_join(iface, &unicast));
	show("leave", net_ipv6_mld_leave(iface, &group));
	show("leave again", net_ipv6_mld_leave(iface, &group));
	show("join back", net_ipv6_mld_join(iface, &group));

	k_sleep(K_SECONDS(3)); /* Duplicate Address Detection runs in the stack */
	added = net_if_ipv6_addr_lookup(&extra, NULL);
	printk("added later state %d\n", added ? added->addr_state : -9);
	show("remove", net_if_ipv6_addr_rm(iface, &extra));
	show("lookup removed", net_if_ipv6_addr_lookup(&extra, NULL) == NULL ? 0 : 1);
	k_work_reschedule(&reading_work, K_MSEC(500));
	printk("main done\n");
	return 0;
}
