/* The CoAP services' server (CONFIG_COAP_SERVER): one "coap_server" thread opens each
 * service's UDP socket, takes requests through the kernel (z_levante_coap_recv: parsed
 * by its codec, judged by the services' control point), answers what the protocol
 * answers itself (ping, unknown critical options, /.well-known/core, unknown paths and
 * methods, refusals), runs the resource's handler for the rest, and retransmits the
 * confirmable messages services send (RFC 7252 §4.2) on simulated time. */
#include <zephyr/kernel.h>

#ifdef CONFIG_COAP_SERVER
#include <errno.h>
#include <string.h>
#include <zephyr/net/coap_link_format.h>
#include <zephyr/net/coap_mgmt.h>
#include <zephyr/net/coap_service.h>
#include <zephyr/net/socket.h>
#include <zephyr/random/random.h>

/* How soon a coap_service_start/stop from another thread takes effect: the server's
 * poll wakes at least this often (ms of simulated time). */
#define RESCAN_MS 250
#define MAX_SERVICES CONFIG_NET_SOCKETS_POLL_MAX

static K_MUTEX_DEFINE(coap_server_lock);

/* The services, in definition order, as an array. */
static const struct coap_service *service_at(int i)
{
	const struct coap_service *found = NULL;
	int n = 0;

	COAP_SERVICE_FOREACH(service) {
		if (n++ == i) {
			found = service;
		}
	}
	return found;
}

static bool same_peer(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family) {
		return false;
	}
	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;

	return x->sin6_port == y->sin6_port &&
	       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
}

/* ---- events (<zephyr/net/coap_mgmt.h>, through net_mgmt) ------------------------------ */

static void notify_service(uint32_t event, const struct coap_service *service)
{
	struct net_event_coap_service info = { .service = service };

	net_mgmt_event_notify_with_info(event, NULL, &info, sizeof(info));
}

static void notify_observer(uint32_t event, struct coap_resource *resource,
			    struct coap_observer *observer)
{
	struct net_event_coap_observer info = { .resource = resource, .observer = observer };

	net_mgmt_event_notify_with_info(event, NULL, &info, sizeof(info));
}

/* ---- starting and stopping ------------------------------------------------------------ */

static int open_socket(const struct coap_service *service)
{
	struct sockaddr_storage storage = { 0 };
	struct sockaddr *address = (struct sockaddr *)&storage;
	socklen_t length = sizeof(struct sockaddr_in);
	uint16_t port = htons(*service->port);
	/* A host's family from its text; without one, IPv4's any address, or IPv6's when
	 * the build has no IPv4 (Zephyr prefers IPv6 when both are on; Levante keeps its
	 * services reachable over IPv4 then, as they were before IPv6 came). */
	bool ipv6 = service->host != NULL ? strchr(service->host, ':') != NULL
					  : !IS_ENABLED(CONFIG_NET_IPV4);
	int family = AF_INET;

	if (ipv6) {
		family = AF_INET6;
		length = sizeof(struct sockaddr_in6);
		net_sin6(address)->sin6_port = port;
	} else {
		net_sin(address)->sin_port = port;
	}
	address->sa_family = family;
	if (service->host != NULL &&
	    zsock_inet_pton(family, service->host,
			    family == AF_INET ? (void *)&net_sin(address)->sin_addr
					      : (void *)&net_sin6(address)->sin6_addr) != 1) {
		return -ENOTSUP;
	}
	int fd = zsock_socket(family, SOCK_DGRAM,
			      service->sec_tag_list != NULL ? IPPROTO_DTLS_1_2 : IPPROTO_UDP);

	if (fd < 0) {
		return -errno;
	}
	if (service->sec_tag_list != NULL) {
		int role = TLS_DTLS_ROLE_SERVER;

		if (zsock_setsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, service->sec_tag_list,
				     service->sec_tag_list_size) < 0 ||
		    zsock_setsockopt(fd, SOL_TLS, TLS_DTLS_ROLE, &role, sizeof(role)) < 0) {
			int error = -errno;

			zsock_close(fd);
			return error;
		}
	}
	if (zsock_bind(fd, address, length) < 0) {
		int error = -errno;

		zsock_close(fd);
		return error;
	}
	if (*service->port == 0U) {
		(void)zsock_getsockname(fd, address, &length);
		*service->port = ntohs(family == AF_INET ? net_sin(address)->sin_port
							 : net_sin6(address)->sin6_port);
	}
	return fd;
}

static void reopen(const struct coap_service *service)
{
	k_mutex_lock(&coap_server_lock, K_FOREVER);
	struct coap_service_data *data = service->data;

	if (data->sock_fd >= 0) {
		zsock_close(data->sock_fd);
		data->sock_fd = open_socket(service);
		if (data->sock_fd < 0) {
			printk("coap_server: %s: cannot reopen (%d)\n", service->name, data->sock_fd);
			data->sock_fd = -1;
		}
	}
	k_mutex_unlock(&coap_server_lock);
}

static void serve_start_requests(void)
{
	for (int i = 0; service_at(i) != NULL; i++) {
		const struct coap_service *service = service_at(i);
		struct coap_service_data *data = service->data;

		if (data->start_requested && data->sock_fd < 0) {
			int fd = open_socket(service);

			data->start_requested = false;
			if (fd >= 0) {
				data->sock_fd = fd;
				notify_service(NET_EVENT_COAP_SERVICE_STARTED, service);
			} else {
				printk("coap_server: %s: cannot start (%d)\n", service->name, fd);
			}
		}
	}
}

int coap_service_start(const struct coap_service *service)
{
	k_mutex_lock(&coap_server_lock, K_FOREVER);
	int ret = (service->data->sock_fd >= 0 || service->data->start_requested) ? -EALREADY : 0;

	if (ret == 0) {
		/* The server thread opens the socket: it is the thread that uses it. */
		service->data->start_requested = true;
	}
	k_mutex_unlock(&coap_server_lock);
	return ret;
}

int coap_service_stop(const struct coap_service *service)
{
	k_mutex_lock(&coap_server_lock, K_FOREVER);
	struct coap_service_data *data = service->data;
	int ret = data->sock_fd >= 0 ? 0 : -EALREADY;

	if (ret == 0) {
		zsock_close(data->sock_fd);
		data->sock_fd = -1;
		memset(data->pending, 0, sizeof(data->pending));
		memset(data->observer_used, 0, sizeof(data->observer_used));
		COAP_SERVICE_FOREACH_RESOURCE(service, resource) {
			sys_slist_init(&resource->observers);
		}
		notify_service(NET_EVENT_COAP_SERVICE_STOPPED, service);
	}
	data->start_requested = false;
	k_mutex_unlock(&coap_server_lock);
	return ret;
}

int coap_service_is_running(const struct coap_service *service)
{
	return service->data->sock_fd >= 0 ? 1 : 0;
}

/* ---- sending and retransmitting ------------------------------------------------------- */

static int track_pending(struct coap_service_data *data, const struct coap_packet *cpkt,
			 const struct sockaddr *addr, socklen_t addr_len,
			 const struct coap_transmission_parameters *params)
{
	struct coap_transmission_parameters defaults = coap_get_transmission_parameters();

	if (params == NULL) {
		params = &defaults;
	}
	if (cpkt->offset > CONFIG_COAP_SERVER_MESSAGE_SIZE || addr_len > sizeof(struct sockaddr)) {
		return -EMSGSIZE;
	}
	for (int i = 0; i < CONFIG_COAP_SERVICE_PENDING_MESSAGES; i++) {
		struct coap_service_pending *pending = &data->pending[i];

		if (pending->len != 0U) {
			continue;
		}
		memcpy(&pending->addr, addr, addr_len);
		pending->addr_len = addr_len;
		memcpy(pending->data, cpkt->data, cpkt->offset);
		pending->len = cpkt->offset;
		pending->id = coap_header_get_id(cpkt);
		pending->retries = 0;
		pending->max_retransmission = params->max_retransmission;
		pending->backoff_percent = params->coap_backoff_percent;
		pending->timeout = z_coap_first_ack_timeout(params);
		pending->deadline = k_uptime_get() + pending->timeout;
		return 0;
	}
	return -ENOMEM;
}

int coap_service_send(const struct coap_service *service, const struct coap_packet *cpkt,
		      const struct sockaddr *addr, socklen_t addr_len,
		      const struct coap_transmission_parameters *params)
{
	k_mutex_lock(&coap_server_lock, K_FOREVER);
	int fd = service->data->sock_fd;
	int ret = fd >= 0 ? 0 : -EBADF;

	if (ret == 0 && coap_header_get_type(cpkt) == COAP_TYPE_CON) {
		ret = track_pending(service->data, cpkt, addr, addr_len, params);
	}
	if (ret == 0 && zsock_sendto(fd, cpkt->data, cpkt->offset, 0, addr, addr_len) < 0) {
		ret = -errno;
	}
	k_mutex_unlock(&coap_server_lock);
	return ret;
}

static const struct coap_service *service_of(const struct coap_resource *resource)
{
	const struct coap_service *found = NULL;

	COAP_SERVICE_FOREACH(service) {
		if (COAP_SERVICE_HAS_RESOURCE(service, resource)) {
			found = service;
		}
	}
	return found;
}

int coap_resource_send(const struct coap_resource *resource, const struct coap_packet *cpkt,
		       const struct sockaddr *addr, socklen_t addr_len,
		       const struct coap_transmission_parameters *params)
{
	const struct coap_service *service = service_of(resource);

	return service != NULL ? coap_service_send(service, cpkt, addr, addr_len, params)
			       : -EINVAL;
}

/* ---- observers (RFC 7641) ------------------------------------------------------------- */

static void drop_observers(const struct coap_service *service, const struct sockaddr *addr,
			   const uint8_t *token, uint8_t tkl)
{
	struct coap_service_data *data = service->data;

	for (int i = 0; i < CONFIG_COAP_SERVICE_OBSERVERS; i++) {
		struct coap_observer *observer = &data->observers[i];

		if (!data->observer_used[i] ||
		    (addr != NULL && !same_peer(addr, &observer->addr)) ||
		    (token != NULL && (observer->tkl != tkl ||
				       memcmp(observer->token, token, tkl) != 0))) {
			continue;
		}
		COAP_SERVICE_FOREACH_RESOURCE(service, resource) {
			if (coap_remove_observer(resource, observer)) {
				notify_observer(NET_EVENT_COAP_OBSERVER_REMOVED, resource, observer);
			}
		}
		data->observer_used[i] = false;
	}
}

int coap_resource_parse_observe(struct coap_resource *resource, const struct coap_packet *request,
				const struct sockaddr *addr)
{
	const struct coap_service *service = service_of(resource);
	int observe = coap_get_option_int(request, COAP_OPTION_OBSERVE);
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint8_t tkl = coap_header_get_token(request, token);

	if (service == NULL || observe < 0) {
		return service == NULL ? -EINVAL : observe;
	}
	k_mutex_lock(&coap_server_lock, K_FOREVER);
	struct coap_service_data *data = service->data;
	int ret = observe;

	if (observe == 1) {
		drop_observers(service, addr, token, tkl);
	} else if (observe == 0) {
		/* A re-registration (same peer and token) keeps its entry (RFC 7641 §4.1). */
		int free_slot = -1;
		bool known = false;

		for (int i = 0; i < CONFIG_COAP_SERVICE_OBSERVERS; i++) {
			struct coap_observer *observer = &data->observers[i];

			if (!data->observer_used[i]) {
				free_slot = free_slot < 0 ? i : free_slot;
			} else if (same_peer(addr, &observer->addr) && observer->tkl == tkl &&
				   memcmp(observer->token, token, tkl) == 0) {
				known = true;
			}
		}
		if (!known && free_slot < 0) {
			ret = -ENOMEM;
		} else if (!known) {
			coap_observer_init(&data->observers[free_slot], request, addr);
			data->observer_used[free_slot] = true;
			(void)coap_register_observer(resource, &data->observers[free_slot]);
			notify_observer(NET_EVENT_COAP_OBSERVER_ADDED, resource,
					&data->observers[free_slot]);
		}
	}
	k_mutex_unlock(&coap_server_lock);
	return ret;
}

int coap_resource_remove_observer_by_addr(struct coap_resource *resource,
					  const struct sockaddr *addr)
{
	const struct coap_service *service = service_of(resource);

	if (service == NULL) {
		return -EINVAL;
	}
	k_mutex_lock(&coap_server_lock, K_FOREVER);
	drop_observers(service, addr, NULL, 0);
	k_mutex_unlock(&coap_server_lock);
	return 0;
}

int coap_resource_remove_observer_by_token(struct coap_resource *resource,
					   const uint8_t *token, uint8_t token_len)
{
	const struct coap_service *service = service_of(resource);

	if (service == NULL || token_len > COAP_TOKEN_MAX_LEN) {
		return -EINVAL;
	}
	k_mutex_lock(&coap_server_lock, K_FOREVER);
	drop_observers(service, NULL, token, token_len);
	k_mutex_unlock(&coap_server_lock);
	return 0;
}

/* ---- answering requests --------------------------------------------------------------- */

/* An empty or piggybacked answer of `code` to `request` (ACK to CON, NON to NON). */
static void answer(const struct coap_service *service, const struct coap_packet *request,
		   uint8_t code, const struct sockaddr *addr, socklen_t addr_len)
{
	uint8_t buffer[COAP_TOKEN_MAX_LEN + 4U];
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint8_t tkl = coap_header_get_token(request, token);
	uint8_t type = coap_header_get_type(request) == COAP_TYPE_CON ? COAP_TYPE_ACK
								      : COAP_TYPE_NON_CON;
	uint16_t id = type == COAP_TYPE_ACK ? coap_header_get_id(request) : coap_next_id();
	struct coap_packet reply;

	if (code == COAP_CODE_EMPTY) {
		/* RST to a ping: the empty message carries no token (RFC 7252 §4.1). */
		tkl = 0;
		type = COAP_TYPE_RESET;
		id = coap_header_get_id(request);
	}
	if (coap_packet_init(&reply, buffer, sizeof(buffer), COAP_VERSION_1, type, tkl, token,
			     code, id) == 0) {
		(void)coap_service_send(service, &reply, addr, addr_len, NULL);
	}
}

/* A request larger than the server takes: 4.13 Request Entity Too Large with a Block1
 * option whose size leaves room for the headers (RFC 7959 §2.9.3), and Size1. */
static void answer_too_large(const struct coap_service *service,
			     const struct coap_packet *request, const struct sockaddr *addr,
			     socklen_t addr_len)
{
	uint8_t buffer[32];
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint8_t tkl = coap_header_get_token(request, token);
	bool con = coap_header_get_type(request) == COAP_TYPE_CON;
	struct coap_block_context hint;
	struct coap_packet reply;

	/* The largest block size with 64 bytes to spare for header and options. */
	(void)coap_block_transfer_init(&hint, coap_bytes_to_block_size(
		(uint16_t)(1U << (31 - __builtin_clz(CONFIG_COAP_SERVER_MESSAGE_SIZE - 64U)))), 0);
	if (coap_packet_init(&reply, buffer, sizeof(buffer), COAP_VERSION_1,
			     con ? COAP_TYPE_ACK : COAP_TYPE_NON_CON, tkl, token,
			     COAP_RESPONSE_CODE_REQUEST_TOO_LARGE,
			     con ? coap_header_get_id(request) : coap_next_id()) == 0 &&
	    coap_append_block1_option(&reply, &hint) == 0 &&
	    coap_append_option_int(&reply, COAP_OPTION_SIZE1,
				   CONFIG_COAP_SERVER_MESSAGE_SIZE) == 0) {
		(void)coap_service_send(service, &reply, addr, addr_len, NULL);
	}
}

/* RFC 7252 §5.4.1: a critical (odd) option the server does not know fails the request. */
static bool has_unknown_critical_option(const struct coap_packet *request)
{
	static const uint16_t known[] = {
		COAP_OPTION_IF_MATCH, COAP_OPTION_URI_HOST, COAP_OPTION_IF_NONE_MATCH,
		COAP_OPTION_URI_PORT, COAP_OPTION_URI_PATH, COAP_OPTION_URI_QUERY,
		COAP_OPTION_ACCEPT, COAP_OPTION_BLOCK2, COAP_OPTION_BLOCK1,
	};

	for (uint8_t i = 0; i < MIN(request->index.count, COAP_PARSED_OPTIONS_MAX); i++) {
		uint16_t number = request->index.options[i].number;
		bool found = (number & 1U) == 0U;

		for (size_t k = 0; k < ARRAY_SIZE(known) && !found; k++) {
			found = known[k] == number;
		}
		if (!found) {
			return true;
		}
	}
	return false;
}

static const char *const well_known_core[] = { ".well-known", "core", NULL };

/* RFC 6690: the service's resources in the CoRE Link Format (coap_link_format.c, as
 * coap_well_known_core_get_len builds it), with their attributes: in one message (5.00
 * when the listing does not fit one) or block-wise (CONFIG_COAP_WELL_KNOWN_BLOCK_WISE;
 * a block past the end 4.02). */
static void answer_well_known_core(const struct coap_service *service,
				   const struct coap_packet *request,
				   const struct sockaddr *addr, socklen_t addr_len)
{
	static uint8_t buffer[CONFIG_COAP_SERVER_MESSAGE_SIZE];
	bool con = coap_header_get_type(request) == COAP_TYPE_CON;
	struct coap_packet reply;
	int ret = z_coap_well_known_core_reply(
		service->res_begin, (size_t)COAP_SERVICE_RESOURCE_COUNT(service), request, &reply,
		buffer, sizeof(buffer), con ? COAP_TYPE_ACK : COAP_TYPE_NON_CON,
		con ? coap_header_get_id(request) : coap_next_id());

	if (ret < 0) {
		answer(service, request, ret == -ENOMEM ? COAP_RESPONSE_CODE_INTERNAL_ERROR
							: COAP_RESPONSE_CODE_BAD_OPTION,
		       addr, addr_len);
		return;
	}
	(void)coap_service_send(service, &reply, addr, addr_len, NULL);
}

static void acknowledged(const struct coap_service *service, const struct coap_packet *message,
			 const struct sockaddr *addr)
{
	struct coap_service_data *data = service->data;
	uint16_t id = coap_header_get_id(message);

	k_mutex_lock(&coap_server_lock, K_FOREVER);
	for (int i = 0; i < CONFIG_COAP_SERVICE_PENDING_MESSAGES; i++) {
		struct coap_service_pending *pending = &data->pending[i];

		if (pending->len == 0U || pending->id != id || !same_peer(addr, &pending->addr)) {
			continue;
		}
		/* RFC 7641 §3.6: a Reset to a notification cancels the observation. */
		if (coap_header_get_type(message) == COAP_TYPE_RESET) {
			uint8_t tkl = (uint8_t)((pending->data[0] & 0x0FU) % (COAP_TOKEN_MAX_LEN + 1U));

			drop_observers(service, addr, pending->data + 4, tkl);
		}
		pending->len = 0;
	}
	k_mutex_unlock(&coap_server_lock);
}

static int route(const struct coap_service *service, struct coap_packet *request,
		 struct sockaddr *addr, socklen_t addr_len)
{
	uint8_t code = coap_header_get_code(request);

	/* RFC 7252 §5.7.2: this server is no forward-proxy. */
	if (coap_get_option_int(request, COAP_OPTION_PROXY_URI) != -ENOENT ||
	    coap_get_option_int(request, COAP_OPTION_PROXY_SCHEME) != -ENOENT) {
		return COAP_RESPONSE_CODE_PROXYING_NOT_SUPPORTED;
	}
	if (has_unknown_critical_option(request)) {
		return COAP_RESPONSE_CODE_BAD_OPTION;
	}
	if (IS_ENABLED(CONFIG_COAP_SERVER_WELL_KNOWN_CORE) && code == COAP_METHOD_GET &&
	    z_coap_path_matches(request, well_known_core)) {
		answer_well_known_core(service, request, addr, addr_len);
		return 0;
	}
	/* The dispatch applications with their own socket loop use too (coap.c). */
	int ret = coap_handle_request_len(request, service->res_begin,
					  (size_t)COAP_SERVICE_RESOURCE_COUNT(service), NULL, 0,
					  addr, addr_len);

	/* Zephyr's mapping of the dispatch's and the handlers' errnos. */
	switch (ret) {
	case -ENOENT: return COAP_RESPONSE_CODE_NOT_FOUND;
	case -ENOTSUP: return COAP_RESPONSE_CODE_BAD_REQUEST;
	case -EPERM: return COAP_RESPONSE_CODE_NOT_ALLOWED;
	default: return ret > 0 ? ret : 0;
	}
}

static void serve_one(const struct coap_service *service)
{
	static uint8_t buffer[CONFIG_COAP_SERVER_MESSAGE_SIZE];
	struct sockaddr_storage storage;
	struct sockaddr *addr = (struct sockaddr *)&storage;
	socklen_t addr_len = sizeof(storage);
	struct coap_packet request;
	int ret = coap_levante_recv(service->data->sock_fd, &request, buffer, sizeof(buffer),
				    addr, &addr_len, COAP_LEVANTE_REQUEST);
	bool answerable = request.index.hdr_len >= 4U && coap_packet_is_request(&request) &&
			  coap_header_get_type(&request) <= COAP_TYPE_NON_CON;

	switch (ret) {
	case -EILSEQ: /* a malformed option or option value: 4.02 (RFC 7252 §5.4.1) */
		if (answerable) {
			answer(service, &request, COAP_RESPONSE_CODE_BAD_OPTION, addr, addr_len);
		}
		return;
	case -EMSGSIZE: /* 4.13 with the block size that fits (RFC 7959 §2.9.3) */
		if (answerable) {
			answer_too_large(service, &request, addr, addr_len);
		}
		return;
	case -E2BIG:
		if (answerable) {
			answer(service, &request, COAP_RESPONSE_CODE_BAD_REQUEST, addr, addr_len);
		}
		return;
	case -EACCES: /* refused at the control point */
		if (answerable) {
			answer(service, &request, COAP_RESPONSE_CODE_FORBIDDEN, addr, addr_len);
		}
		return;
	case -EAGAIN:
	case -EBADMSG:
		return; /* nothing waiting, or no readable header: dropped */
	default:
		if (ret < 0) {
			/* The socket itself failed (a DTLS session that ended in an alert):
			 * a fresh one serves the next peers. */
			reopen(service);
			return;
		}
	}
	uint8_t type = coap_header_get_type(&request);
	uint8_t code = coap_header_get_code(&request);

	if (type == COAP_TYPE_ACK || type == COAP_TYPE_RESET) {
		acknowledged(service, &request, addr);
		return;
	}
	if (code == COAP_CODE_EMPTY) {
		if (type == COAP_TYPE_CON) {
			answer(service, &request, COAP_CODE_EMPTY, addr, addr_len); /* ping: RST */
		}
		return;
	}
	if (!coap_packet_is_request(&request)) {
		return; /* a response to nothing this server asked */
	}
	int reply = route(service, &request, addr, addr_len);

	if (reply > 0) {
		answer(service, &request, (uint8_t)reply, addr, addr_len);
	}
}

/* Retransmit what is due; the ms until the next one is (or RESCAN_MS). */
static int64_t retransmit(void)
{
	int64_t now = k_uptime_get();
	int64_t next = RESCAN_MS;

	k_mutex_lock(&coap_server_lock, K_FOREVER);
	for (int s = 0; service_at(s) != NULL; s++) {
		const struct coap_service *service = service_at(s);
		struct coap_service_data *data = service->data;

		for (int i = 0; i < CONFIG_COAP_SERVICE_PENDING_MESSAGES; i++) {
			struct coap_service_pending *pending = &data->pending[i];

			if (pending->len == 0U) {
				continue;
			}
			if (pending->deadline <= now) {
				if (pending->retries >= pending->max_retransmission) {
					/* RFC 7641 §4.5: an observer that never acknowledges is
					 * forgotten. */
					uint8_t tkl = (uint8_t)((pending->data[0] & 0x0FU) %
								(COAP_TOKEN_MAX_LEN + 1U));

					drop_observers(service, &pending->addr, pending->data + 4, tkl);
					pending->len = 0;
					continue;
				}
				pending->retries++;
				pending->timeout = pending->timeout * pending->backoff_percent / 100U;
				pending->deadline = now + pending->timeout;
				(void)zsock_sendto(data->sock_fd, pending->data, pending->len, 0,
						   &pending->addr, pending->addr_len);
			}
			next = MIN(next, pending->deadline - now);
		}
	}
	k_mutex_unlock(&coap_server_lock);
	return MAX(next, 0);
}

static void coap_server_thread(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1), ARG_UNUSED(p2), ARG_UNUSED(p3);
	COAP_SERVICE_FOREACH(service) {
		if (service->flags & COAP_SERVICE_AUTOSTART) {
			(void)coap_service_start(service);
		}
	}
	for (;;) {
		struct zsock_pollfd fds[MAX_SERVICES];
		const struct coap_service *polled[MAX_SERVICES];
		int count = 0;

		k_mutex_lock(&coap_server_lock, K_FOREVER);
		serve_start_requests();
		for (int i = 0; service_at(i) != NULL && count < MAX_SERVICES; i++) {
			if (service_at(i)->data->sock_fd >= 0) {
				polled[count] = service_at(i);
				fds[count].fd = service_at(i)->data->sock_fd;
				fds[count].events = ZSOCK_POLLIN;
				fds[count].revents = 0;
				count++;
			}
		}
		k_mutex_unlock(&coap_server_lock);
		int64_t wait = retransmit();

		if (count == 0) {
			k_msleep((int32_t)wait);
			continue;
		}
		if (zsock_poll(fds, count, (int)wait) <= 0) {
			continue;
		}
		for (int i = 0; i < count; i++) {
			if (fds[i].revents & ZSOCK_POLLIN) {
				serve_one(polled[i]);
			} else if (fds[i].revents & (ZSOCK_POLLERR | ZSOCK_POLLHUP)) {
				reopen(polled[i]);
			}
		}
	}
}

/* Zephyr's choice: the least urgent preemptible priority; its name too (an application
 * may call its own service coap_server, as Zephyr's sample does). */
K_THREAD_DEFINE(coap_server_id, CONFIG_COAP_SERVER_STACK_SIZE, coap_server_thread, NULL, NULL,
		NULL, K_PRIO_PREEMPT(CONFIG_NUM_PREEMPT_PRIORITIES - 1), 0, 0);
#endif /* CONFIG_COAP_SERVER */
