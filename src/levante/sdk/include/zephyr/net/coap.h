/* <zephyr/net/coap.h>: CoAP packets (RFC 7252), block-wise transfers (RFC 7959) and
 * observe (RFC 7641), with Zephyr's names and types.
 *
 * Building a packet stays in C: the bytes are the application's own.  Received bytes
 * are never walked in C: coap_packet_parse hands them to the kernel, whose codec
 * validates the header, the token, every option (delta and length arithmetic, the
 * registered options' value lengths, Block SZX) and writes the packet's option index
 * (struct coap_parsed).  Every reader below -- coap_find_options, coap_get_option_int,
 * coap_packet_get_payload, the block helpers -- goes through that index, bounded by the
 * packet's length.  A packet built here keeps the same index as it grows. */
#ifndef ZEPHYR_INCLUDE_NET_COAP_H_
#define ZEPHYR_INCLUDE_NET_COAP_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/net/socket.h>
#include <zephyr/sys/slist.h>

#ifdef __cplusplus
extern "C" {
#endif

enum coap_option_num {
	COAP_OPTION_IF_MATCH = 1,
	COAP_OPTION_URI_HOST = 3,
	COAP_OPTION_ETAG = 4,
	COAP_OPTION_IF_NONE_MATCH = 5,
	COAP_OPTION_OBSERVE = 6,
	COAP_OPTION_URI_PORT = 7,
	COAP_OPTION_LOCATION_PATH = 8,
	COAP_OPTION_URI_PATH = 11,
	COAP_OPTION_CONTENT_FORMAT = 12,
	COAP_OPTION_MAX_AGE = 14,
	COAP_OPTION_URI_QUERY = 15,
	COAP_OPTION_ACCEPT = 17,
	COAP_OPTION_LOCATION_QUERY = 20,
	COAP_OPTION_BLOCK2 = 23,
	COAP_OPTION_BLOCK1 = 27,
	COAP_OPTION_SIZE2 = 28,
	COAP_OPTION_PROXY_URI = 35,
	COAP_OPTION_PROXY_SCHEME = 39,
	COAP_OPTION_SIZE1 = 60,
	COAP_OPTION_ECHO = 252,
	COAP_OPTION_REQUEST_TAG = 292,
};

enum coap_method {
	COAP_METHOD_GET = 1,
	COAP_METHOD_POST = 2,
	COAP_METHOD_PUT = 3,
	COAP_METHOD_DELETE = 4,
	COAP_METHOD_FETCH = 5,
	COAP_METHOD_PATCH = 6,
	COAP_METHOD_IPATCH = 7,
};

#define COAP_REQUEST_MASK 0x07
#define COAP_VERSION_1 1U
/* RFC 7641 §4.4: the Observe sequence number is 24 bits. */
#define COAP_OBSERVE_MAX_AGE 0xFFFFFF

enum coap_msgtype {
	COAP_TYPE_CON = 0,
	COAP_TYPE_NON_CON = 1,
	COAP_TYPE_ACK = 2,
	COAP_TYPE_RESET = 3,
};

#define COAP_MAKE_RESPONSE_CODE(class, det) (((class) << 5) | (det))

enum coap_response_code {
	COAP_RESPONSE_CODE_OK = COAP_MAKE_RESPONSE_CODE(2, 0),
	COAP_RESPONSE_CODE_CREATED = COAP_MAKE_RESPONSE_CODE(2, 1),
	COAP_RESPONSE_CODE_DELETED = COAP_MAKE_RESPONSE_CODE(2, 2),
	COAP_RESPONSE_CODE_VALID = COAP_MAKE_RESPONSE_CODE(2, 3),
	COAP_RESPONSE_CODE_CHANGED = COAP_MAKE_RESPONSE_CODE(2, 4),
	COAP_RESPONSE_CODE_CONTENT = COAP_MAKE_RESPONSE_CODE(2, 5),
	COAP_RESPONSE_CODE_CONTINUE = COAP_MAKE_RESPONSE_CODE(2, 31),
	COAP_RESPONSE_CODE_BAD_REQUEST = COAP_MAKE_RESPONSE_CODE(4, 0),
	COAP_RESPONSE_CODE_UNAUTHORIZED = COAP_MAKE_RESPONSE_CODE(4, 1),
	COAP_RESPONSE_CODE_BAD_OPTION = COAP_MAKE_RESPONSE_CODE(4, 2),
	COAP_RESPONSE_CODE_FORBIDDEN = COAP_MAKE_RESPONSE_CODE(4, 3),
	COAP_RESPONSE_CODE_NOT_FOUND = COAP_MAKE_RESPONSE_CODE(4, 4),
	COAP_RESPONSE_CODE_NOT_ALLOWED = COAP_MAKE_RESPONSE_CODE(4, 5),
	COAP_RESPONSE_CODE_NOT_ACCEPTABLE = COAP_MAKE_RESPONSE_CODE(4, 6),
	COAP_RESPONSE_CODE_INCOMPLETE = COAP_MAKE_RESPONSE_CODE(4, 8),
	COAP_RESPONSE_CODE_CONFLICT = COAP_MAKE_RESPONSE_CODE(4, 9),
	COAP_RESPONSE_CODE_PRECONDITION_FAILED = COAP_MAKE_RESPONSE_CODE(4, 12),
	COAP_RESPONSE_CODE_REQUEST_TOO_LARGE = COAP_MAKE_RESPONSE_CODE(4, 13),
	COAP_RESPONSE_CODE_UNSUPPORTED_CONTENT_FORMAT = COAP_MAKE_RESPONSE_CODE(4, 15),
	COAP_RESPONSE_CODE_UNPROCESSABLE_ENTITY = COAP_MAKE_RESPONSE_CODE(4, 22),
	COAP_RESPONSE_CODE_TOO_MANY_REQUESTS = COAP_MAKE_RESPONSE_CODE(4, 29),
	COAP_RESPONSE_CODE_INTERNAL_ERROR = COAP_MAKE_RESPONSE_CODE(5, 0),
	COAP_RESPONSE_CODE_NOT_IMPLEMENTED = COAP_MAKE_RESPONSE_CODE(5, 1),
	COAP_RESPONSE_CODE_BAD_GATEWAY = COAP_MAKE_RESPONSE_CODE(5, 2),
	COAP_RESPONSE_CODE_SERVICE_UNAVAILABLE = COAP_MAKE_RESPONSE_CODE(5, 3),
	COAP_RESPONSE_CODE_GATEWAY_TIMEOUT = COAP_MAKE_RESPONSE_CODE(5, 4),
	COAP_RESPONSE_CODE_PROXYING_NOT_SUPPORTED = COAP_MAKE_RESPONSE_CODE(5, 5),
};

#define COAP_CODE_EMPTY (0)
#define COAP_TOKEN_MAX_LEN 8UL

enum coap_content_format {
	COAP_CONTENT_FORMAT_TEXT_PLAIN = 0,
	COAP_CONTENT_FORMAT_APP_LINK_FORMAT = 40,
	COAP_CONTENT_FORMAT_APP_XML = 41,
	COAP_CONTENT_FORMAT_APP_OCTET_STREAM = 42,
	COAP_CONTENT_FORMAT_APP_EXI = 47,
	COAP_CONTENT_FORMAT_APP_JSON = 50,
	COAP_CONTENT_FORMAT_APP_JSON_PATCH_JSON = 51,
	COAP_CONTENT_FORMAT_APP_MERGE_PATCH_JSON = 52,
	COAP_CONTENT_FORMAT_APP_CBOR = 60,
};

/* A Block option's value (RFC 7959 §2.2): NUM, M and SZX. */
#define GET_BLOCK_NUM(v) ((v) >> 4)
#define GET_BLOCK_SIZE(v) (((v) & 0x7))
#define GET_MORE(v) (!!((v) & 0x08))

/* The option index: what the kernel's codec validated (or what the builder appended).
 * At most COAP_PARSED_OPTIONS_MAX options; a received message with more is refused. */
#define COAP_PARSED_OPTIONS_MAX 16

struct coap_parsed_option {
	uint16_t number;
	uint16_t offset; /* of the value, from the start of the packet */
	uint16_t len;
};

struct coap_parsed {
	uint16_t len;            /* the packet's length */
	uint8_t hdr_len;         /* header and token */
	uint8_t count;           /* options indexed */
	uint16_t opt_len;        /* bytes of options */
	uint16_t payload_offset; /* == len when there is no payload */
	struct coap_parsed_option options[COAP_PARSED_OPTIONS_MAX];
};

struct coap_packet {
	uint8_t *data;
	uint16_t offset;  /* bytes used (built) or received (parsed) */
	uint16_t max_len;
	uint8_t hdr_len;
	uint16_t opt_len;
	uint16_t delta;   /* the last option's number */
	struct coap_parsed index;
};

/* One option's value as coap_find_options copies it out; a longer value is refused
 * there (-EINVAL): 12 bytes, or CONFIG_COAP_EXTENDED_OPTIONS_LEN_VALUE with
 * CONFIG_COAP_EXTENDED_OPTIONS_LEN, as in Zephyr. */
#ifdef CONFIG_COAP_EXTENDED_OPTIONS_LEN
#define Z_COAP_OPTION_VALUE_SIZE CONFIG_COAP_EXTENDED_OPTIONS_LEN_VALUE
#else
#define Z_COAP_OPTION_VALUE_SIZE 12
#endif
struct coap_option {
	uint16_t delta; /* the option's number */
	uint8_t len;
	uint8_t value[Z_COAP_OPTION_VALUE_SIZE];
};

struct coap_observer;
struct coap_resource;

typedef int (*coap_method_t)(struct coap_resource *resource, struct coap_packet *request,
			     struct sockaddr *addr, socklen_t addr_len);
typedef void (*coap_notify_t)(struct coap_resource *resource, struct coap_observer *observer);

struct coap_resource {
	coap_method_t get, post, put, del, fetch, patch, ipatch;
	coap_notify_t notify;
	const char *const *path;
	void *user_data;
	sys_slist_t observers;
	int age;
};

struct coap_observer {
	sys_snode_t list;
	struct sockaddr addr;
	uint8_t token[8];
	uint8_t tkl;
};

/* RFC 7252 §4.8's transmission parameters, as Zephyr keeps them. */
struct coap_transmission_parameters {
	uint32_t ack_timeout;          /* ms */
	uint16_t coap_backoff_percent; /* 200: each retry waits twice as long */
	uint8_t max_retransmission;
};

uint8_t coap_header_get_version(const struct coap_packet *cpkt);
uint8_t coap_header_get_type(const struct coap_packet *cpkt);
uint8_t coap_header_get_token(const struct coap_packet *cpkt, uint8_t *token);
uint8_t coap_header_get_code(const struct coap_packet *cpkt);
int coap_header_set_code(const struct coap_packet *cpkt, uint8_t code);
uint16_t coap_header_get_id(const struct coap_packet *cpkt);
const uint8_t *coap_packet_get_payload(const struct coap_packet *cpkt, uint16_t *len);
bool coap_uri_path_match(const char *const *path, struct coap_option *options, uint8_t opt_num);
/* A parsed request handed to the resource whose path it names and to that resource's
 * handler for its method: the handler's return, or -ENOENT (no resource has the path),
 * -EPERM (the resource has no handler for the method), -ENOTSUP (the code is no method,
 * or the packet no request).  The application answers those itself (4.04, 4.05, 4.00).
 * coap_handle_request's array ends with an entry whose path is NULL. */
int coap_handle_request_len(struct coap_packet *cpkt, struct coap_resource *resources,
			    size_t resources_len, struct coap_option *options, uint8_t opt_num,
			    struct sockaddr *addr, socklen_t addr_len);
int coap_handle_request(struct coap_packet *cpkt, struct coap_resource *resources,
			struct coap_option *options, uint8_t opt_num, struct sockaddr *addr,
			socklen_t addr_len);
/* Levante's: the request's Uri-Path, read from its index, is `path` (each segment, no
 * more): the one path match of coap_handle_request and of the services. */
bool z_coap_path_matches(const struct coap_packet *request, const char *const *path);
int coap_packet_parse(struct coap_packet *cpkt, uint8_t *data, uint16_t len,
		      struct coap_option *options, uint8_t opt_num);
int coap_packet_set_path(struct coap_packet *cpkt, const char *path);
int coap_packet_init(struct coap_packet *cpkt, uint8_t *data, uint16_t max_len, uint8_t ver,
		     uint8_t type, uint8_t token_len, const uint8_t *token, uint8_t code,
		     uint16_t id);
int coap_ack_init(struct coap_packet *cpkt, const struct coap_packet *req, uint8_t *data,
		  uint16_t max_len, uint8_t code);
uint8_t *coap_next_token(void);
uint16_t coap_next_id(void);
int coap_find_options(const struct coap_packet *cpkt, uint16_t code,
		      struct coap_option *options, uint16_t veclen);
int coap_packet_append_option(struct coap_packet *cpkt, uint16_t code, const uint8_t *value,
			      uint16_t len);
unsigned int coap_option_value_to_int(const struct coap_option *option);
int coap_append_option_int(struct coap_packet *cpkt, uint16_t code, unsigned int val);
int coap_packet_append_payload_marker(struct coap_packet *cpkt);
int coap_packet_append_payload(struct coap_packet *cpkt, const uint8_t *payload,
			       uint16_t payload_len);
bool coap_packet_is_request(const struct coap_packet *cpkt);
int coap_get_option_int(const struct coap_packet *cpkt, uint16_t code);

/* Block-wise transfers (RFC 7959). */
enum coap_block_size {
	COAP_BLOCK_16,
	COAP_BLOCK_32,
	COAP_BLOCK_64,
	COAP_BLOCK_128,
	COAP_BLOCK_256,
	COAP_BLOCK_512,
	COAP_BLOCK_1024,
};

static inline uint16_t coap_block_size_to_bytes(enum coap_block_size block_size)
{
	return (uint16_t)(1U << (block_size + 4));
}

static inline enum coap_block_size coap_bytes_to_block_size(uint16_t bytes)
{
	int size = (bytes == 0U) ? 0 : (int)__builtin_ctz(bytes) - 4;

	if (size < COAP_BLOCK_16) {
		return COAP_BLOCK_16;
	}
	if (size > COAP_BLOCK_1024) {
		return COAP_BLOCK_1024;
	}
	return (enum coap_block_size)size;
}

struct coap_block_context {
	size_t total_size;
	size_t current;
	enum coap_block_size block_size;
};

int coap_block_transfer_init(struct coap_block_context *ctx, enum coap_block_size block_size,
			     size_t total_size);
int coap_append_descriptive_block_option(struct coap_packet *cpkt,
					 struct coap_block_context *ctx);
bool coap_has_descriptive_block_option(struct coap_packet *cpkt);
bool coap_block_has_more(struct coap_packet *cpkt);
int coap_append_block1_option(struct coap_packet *cpkt, struct coap_block_context *ctx);
int coap_append_block2_option(struct coap_packet *cpkt, struct coap_block_context *ctx);
int coap_append_size1_option(struct coap_packet *cpkt, struct coap_block_context *ctx);
int coap_append_size2_option(struct coap_packet *cpkt, struct coap_block_context *ctx);
int coap_get_block1_option(const struct coap_packet *cpkt, bool *has_more,
			   uint32_t *block_number);
int coap_get_block2_option(const struct coap_packet *cpkt, bool *has_more,
			   uint32_t *block_number);
int coap_update_from_block(const struct coap_packet *cpkt, struct coap_block_context *ctx);
int coap_next_block_for_option(const struct coap_packet *cpkt, struct coap_block_context *ctx,
			       enum coap_option_num option);
size_t coap_next_block(const struct coap_packet *cpkt, struct coap_block_context *ctx);

/* Observe (RFC 7641). */
void coap_observer_init(struct coap_observer *observer, const struct coap_packet *request,
			const struct sockaddr *addr);
bool coap_register_observer(struct coap_resource *resource, struct coap_observer *observer);
bool coap_remove_observer(struct coap_resource *resource, struct coap_observer *observer);
int coap_resource_notify(struct coap_resource *resource);
bool coap_request_is_observe(const struct coap_packet *request);

struct coap_transmission_parameters coap_get_transmission_parameters(void);
void coap_set_transmission_parameters(const struct coap_transmission_parameters *params);

/* ---- Replies: matching responses to the requests an application sent ----------------
 *
 * coap_reply_init records a request's Message ID and token (and, for an Observe
 * registration, that notifications are expected); coap_response_received finds the
 * reply a received response answers (RFC 7252 §5.3.2: a piggybacked response by its
 * Message ID and token, a separate one by its token, a Reset by its Message ID) and calls
 * its callback, except for 2.31 Continue and for a notification older than the last one
 * (RFC 7641 §3.4's 24-bit sequence order). */
struct coap_reply;

typedef int (*coap_reply_t)(const struct coap_packet *response, struct coap_reply *reply,
			    const struct sockaddr *from);

struct coap_reply {
	coap_reply_t reply; /* NULL: the entry is free */
	void *user_data;
	int age;            /* the last Observe number taken; -1 before the first */
	uint16_t id;
	uint8_t token[8];
	uint8_t tkl;
};

void coap_reply_init(struct coap_reply *reply, const struct coap_packet *request);
struct coap_reply *coap_reply_next_unused(struct coap_reply *replies, size_t len);
struct coap_reply *coap_response_received(const struct coap_packet *response,
					  const struct sockaddr *from,
					  struct coap_reply *replies, size_t len);
void coap_reply_clear(struct coap_reply *reply);
void coap_replies_clear(struct coap_reply *replies, size_t len);

/* ---- Pending confirmable messages (RFC 7252 §4.2) -------------------------------------
 *
 * A pending message keeps a pointer to the request's bytes (they must live until it is
 * cleared), when it was (re)sent (t0, ms of uptime) and how long to wait for its ACK:
 * first a random time in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR], then
 * CONFIG_COAP_BACKOFF_PERCENT of the previous wait each time coap_pending_cycle says to
 * send it again, CONFIG_COAP_MAX_RETRANSMIT times at most. */
struct coap_pending {
	struct sockaddr addr;
	int64_t t0;        /* ms of uptime when it was last sent */
	uint32_t timeout;  /* ms to wait from t0; 0: the entry is free */
	uint16_t id;
	uint8_t *data;
	uint16_t len;
	uint8_t retries;   /* retransmissions left */
	struct coap_transmission_parameters params;
};

int coap_pending_init(struct coap_pending *pending, const struct coap_packet *request,
		      const struct sockaddr *addr,
		      const struct coap_transmission_parameters *params);
struct coap_pending *coap_pending_next_unused(struct coap_pending *pendings, size_t len);
struct coap_pending *coap_pending_received(const struct coap_packet *response,
					   struct coap_pending *pendings, size_t len);
struct coap_pending *coap_pending_next_to_expire(struct coap_pending *pendings, size_t len);
bool coap_pending_cycle(struct coap_pending *pending);
void coap_pending_clear(struct coap_pending *pending);
void coap_pendings_clear(struct coap_pending *pendings, size_t len);
size_t coap_pendings_count(struct coap_pending *pendings, size_t len);

/* Levante's: RFC 7252 §4.2's first wait for an ACK, random in [ACK_TIMEOUT,
 * ACK_TIMEOUT * CONFIG_COAP_ACK_RANDOM_PERCENT / 100] ms (the pending messages', the
 * service's and the client's). */
uint32_t z_coap_first_ack_timeout(const struct coap_transmission_parameters *params);

/* Levante: one datagram from a UDP socket, parsed by the kernel and passed through the
 * services' control point as a request (server) or a response (client).  Never waits.
 * The datagram's length, or -EAGAIN (none), -EMSGSIZE (larger than max_len), the
 * parse's errno (cpkt's header still indexed when readable) or -EACCES (refused). */
#define COAP_LEVANTE_REQUEST 1
#define COAP_LEVANTE_RESPONSE 2
int coap_levante_recv(int sock, struct coap_packet *cpkt, uint8_t *buf, uint16_t max_len,
		      struct sockaddr *src, socklen_t *src_len, int role);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_NET_COAP_H_ */
