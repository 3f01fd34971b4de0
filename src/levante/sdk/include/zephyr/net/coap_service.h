/* <zephyr/net/coap_service.h> (CONFIG_COAP_SERVER): CoAP services and their resources,
 * defined statically, served over UDP by one "coap_server_id" thread, as in Zephyr.
 *
 * Every request the thread receives is parsed by the kernel's codec and passes the
 * services' control point (with the peer the kernel saw) before its resource's handler
 * runs on that thread; a refused request is answered 4.03, a malformed option 4.02, a
 * malformed header dropped.  A handler's positive return is a response code the server
 * acknowledges with (as Zephyr's: -ENOENT 4.04, -ENOTSUP 4.00, -EPERM 4.05). */
#ifndef ZEPHYR_INCLUDE_NET_COAP_SERVICE_H_
#define ZEPHYR_INCLUDE_NET_COAP_SERVICE_H_

#include <zephyr/net/coap.h>
#include <zephyr/net/tls_credentials.h>
#include <zephyr/sys/iterable_sections.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COAP_SERVICE_AUTOSTART BIT(0)

/* A confirmable message a service sent and retransmits until it is acknowledged. */
struct coap_service_pending {
	struct sockaddr addr;
	socklen_t addr_len;
	int64_t deadline;   /* ms of uptime: the next retransmission */
	uint32_t timeout;   /* ms: the current wait */
	uint16_t id;
	uint16_t len;       /* 0: free */
	uint8_t retries;
	uint8_t max_retransmission;
	uint16_t backoff_percent;
	uint8_t data[CONFIG_COAP_SERVER_MESSAGE_SIZE];
};

struct coap_service_data {
	int sock_fd;
	bool start_requested;
	struct coap_observer observers[CONFIG_COAP_SERVICE_OBSERVERS];
	bool observer_used[CONFIG_COAP_SERVICE_OBSERVERS];
	struct coap_service_pending pending[CONFIG_COAP_SERVICE_PENDING_MESSAGES];
};

struct coap_service {
	const char *name;
	const char *host;
	uint16_t *port;
	uint8_t flags;
	struct coap_resource *res_begin;
	struct coap_resource *res_end;
	struct coap_service_data *data;
	/* COAPS_SERVICE_DEFINE: DTLS 1.2 with these credentials (NULL: plain UDP). */
	const sec_tag_t *sec_tag_list;
	size_t sec_tag_list_size;
};

#define Z_COAP_SERVICE_DEFINE(_name, _host, _port, _flags, _res_begin, _res_end, _tags,    \
			      _tags_size)                                                   \
	static struct coap_service_data coap_service_data_##_name = { .sock_fd = -1 };      \
	const STRUCT_SECTION_ITERABLE(coap_service, _name) = {                              \
		.name = STRINGIFY(_name),                                                   \
		.host = (_host),                                                            \
		.port = (uint16_t *)(_port),                                                \
		.flags = (_flags),                                                          \
		.res_begin = (_res_begin),                                                  \
		.res_end = (_res_end),                                                      \
		.data = &coap_service_data_##_name,                                         \
		.sec_tag_list = (_tags),                                                    \
		.sec_tag_list_size = (_tags_size),                                          \
	}

/* A resource of `_service`: its records live in RAM (observers and age change). */
#define COAP_RESOURCE_DEFINE(_name, _service, ...)                                          \
	STRUCT_SECTION_ITERABLE_ALTERNATE(coap_resource_##_service, coap_resource, _name) = \
		__VA_ARGS__

/* `_port` points at the port (0: an ephemeral one, written back when the service
 * starts); `_host` is an IPv4 or IPv6 address's text, or NULL for any. */
#define COAP_SERVICE_DEFINE(_name, _host, _port, _flags)                                    \
	extern struct coap_resource _CONCAT(_coap_resource_##_name, _list_start)[];         \
	extern struct coap_resource _CONCAT(_coap_resource_##_name, _list_end)[];           \
	Z_COAP_SERVICE_DEFINE(_name, _host, _port, _flags,                                  \
			      &_CONCAT(_coap_resource_##_name, _list_start)[0],             \
			      &_CONCAT(_coap_resource_##_name, _list_end)[0], NULL, 0)

/* A service over DTLS 1.2 (CONFIG_NET_SOCKETS_ENABLE_DTLS), as Zephyr 4's: its socket is
 * a DTLS server with `_sec_tag_list`'s credentials; requests are parsed and judged as
 * on UDP, the peer being the DTLS session's. */
#define COAPS_SERVICE_DEFINE(_name, _host, _port, _flags, _sec_tag_list, _sec_tag_list_size) \
	extern struct coap_resource _CONCAT(_coap_resource_##_name, _list_start)[];         \
	extern struct coap_resource _CONCAT(_coap_resource_##_name, _list_end)[];           \
	Z_COAP_SERVICE_DEFINE(_name, _host, _port, _flags,                                  \
			      &_CONCAT(_coap_resource_##_name, _list_start)[0],             \
			      &_CONCAT(_coap_resource_##_name, _list_end)[0],               \
			      (_sec_tag_list), (_sec_tag_list_size))

#define COAP_SERVICE_COUNT(_dst) STRUCT_SECTION_COUNT(coap_service, _dst)
#define COAP_SERVICE_RESOURCE_COUNT(_service) ((_service)->res_end - (_service)->res_begin)
#define COAP_SERVICE_HAS_RESOURCE(_service, _resource)                                      \
	((_service)->res_begin <= (_resource) && (_resource) < (_service)->res_end)
#define COAP_SERVICE_FOREACH(_it) STRUCT_SECTION_FOREACH(coap_service, _it)
#define COAP_RESOURCE_FOREACH(_service, _it)                                                \
	STRUCT_SECTION_FOREACH_ALTERNATE(coap_resource_##_service, coap_resource, _it)
#define COAP_SERVICE_FOREACH_RESOURCE(_service, _it)                                        \
	for (struct coap_resource *_it = (_service)->res_begin; _it < (_service)->res_end;  \
	     _it++)

int coap_service_start(const struct coap_service *service);
int coap_service_stop(const struct coap_service *service);
int coap_service_is_running(const struct coap_service *service);
int coap_service_send(const struct coap_service *service, const struct coap_packet *cpkt,
		      const struct sockaddr *addr, socklen_t addr_len,
		      const struct coap_transmission_parameters *params);
int coap_resource_send(const struct coap_resource *resource, const struct coap_packet *cpkt,
		       const struct sockaddr *addr, socklen_t addr_len,
		       const struct coap_transmission_parameters *params);
int coap_resource_parse_observe(struct coap_resource *resource, const struct coap_packet *request,
				const struct sockaddr *addr);
int coap_resource_remove_observer_by_addr(struct coap_resource *resource,
					  const struct sockaddr *addr);
int coap_resource_remove_observer_by_token(struct coap_resource *resource,
					   const uint8_t *token, uint8_t token_len);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_NET_COAP_SERVICE_H_ */
