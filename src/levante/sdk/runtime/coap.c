/* <zephyr/net/coap.h> (CONFIG_COAP): building packets, and reading packets only through
 * their option index -- which the kernel's codec wrote for received bytes
 * (z_levante_coap_parse, z_levante_coap_recv) and the builder keeps for its own.
 * Every reader checks an index entry against the packet's length before it touches a
 * byte, so even an index the application scribbled on cannot lead a read astray. */
#include <zephyr/kernel.h>

#ifdef CONFIG_COAP
#include <errno.h>
#include <string.h>
#include <zephyr/net/coap.h>
#include <zephyr/random/random.h>

#define HEADER_SIZE 4U
#define PAYLOAD_MARKER 0xFFU
/* RFC 7252 §3.1: a delta or length of 13-268 takes one extension byte, 269 and up two. */
#define ONE_BYTE_FROM 13U
#define TWO_BYTES_FROM 269U
#define NIBBLE_ONE_BYTE 13U
#define NIBBLE_TWO_BYTES 14U
/* RFC 7252 §3.2: a uint option value is at most 4 bytes here. */
#define UINT_MAX_BYTES 4U

static struct coap_transmission_parameters transmission = {
	.ack_timeout = CONFIG_COAP_INIT_ACK_TIMEOUT_MS,
	.coap_backoff_percent = CONFIG_COAP_BACKOFF_PERCENT,
	.max_retransmission = CONFIG_COAP_MAX_RETRANSMIT,
};

/* ---- the index ------------------------------------------------------------------------ */

/* The entry's value lies inside the packet, or NULL. */
static const uint8_t *entry_value(const struct coap_packet *cpkt,
				  const struct coap_parsed_option *entry)
{
	uint32_t end = (uint32_t)entry->offset + entry->len;

	if (cpkt->data == NULL || end > cpkt->index.len || cpkt->index.len > cpkt->max_len ||
	    entry->offset < cpkt->index.hdr_len) {
		return NULL;
	}
	return cpkt->data + entry->offset;
}

static uint8_t indexed_count(const struct coap_packet *cpkt)
{
	return MIN(cpkt->index.count, COAP_PARSED_OPTIONS_MAX);
}

static const struct coap_parsed_option *first_option(const struct coap_packet *cpkt,
						     uint16_t number)
{
	for (uint8_t i = 0; i < indexed_count(cpkt); i++) {
		if (cpkt->index.options[i].number == number) {
			return &cpkt->index.options[i];
		}
	}
	return NULL;
}

/* The header's four bytes are there (hdr_len counts them, and the token). */
static bool has_header(const struct coap_packet *cpkt)
{
	return cpkt->data != NULL && cpkt->index.hdr_len >= HEADER_SIZE &&
	       cpkt->index.hdr_len <= cpkt->index.len && cpkt->index.len <= cpkt->max_len;
}

/* ---- header --------------------------------------------------------------------------- */

uint8_t coap_header_get_version(const struct coap_packet *cpkt)
{
	return has_header(cpkt) ? (uint8_t)(cpkt->data[0] >> 6) : 0U;
}

uint8_t coap_header_get_type(const struct coap_packet *cpkt)
{
	return has_header(cpkt) ? (uint8_t)((cpkt->data[0] >> 4) & 0x03U) : 0U;
}

uint8_t coap_header_get_token(const struct coap_packet *cpkt, uint8_t *token)
{
	if (!has_header(cpkt)) {
		return 0U;
	}
	uint8_t tkl = (uint8_t)(cpkt->index.hdr_len - HEADER_SIZE);

	if (tkl > COAP_TOKEN_MAX_LEN) {
		return 0U;
	}
	if (token != NULL && tkl > 0U) {
		memcpy(token, cpkt->data + HEADER_SIZE, tkl);
	}
	return tkl;
}

uint8_t coap_header_get_code(const struct coap_packet *cpkt)
{
	return has_header(cpkt) ? cpkt->data[1] : 0U;
}

int coap_header_set_code(const struct coap_packet *cpkt, uint8_t code)
{
	if (!has_header(cpkt)) {
		return -EINVAL;
	}
	cpkt->data[1] = code;
	return 0;
}

uint16_t coap_header_get_id(const struct coap_packet *cpkt)
{
	return has_header(cpkt) ? (uint16_t)((cpkt->data[2] << 8) | cpkt->data[3]) : 0U;
}

bool coap_packet_is_request(const struct coap_packet *cpkt)
{
	uint8_t code = coap_header_get_code(cpkt);

	return code != COAP_CODE_EMPTY && (code & ~COAP_REQUEST_MASK) == 0U;
}

const uint8_t *coap_packet_get_payload(const struct coap_packet *cpkt, uint16_t *len)
{
	uint16_t start = cpkt->index.payload_offset;

	*len = 0;
	if (!has_header(cpkt) || start >= cpkt->index.len) {
		return NULL;
	}
	*len = (uint16_t)(cpkt->index.len - start);
	return cpkt->data + start;
}

/* ---- parsing: the kernel's ------------------------------------------------------------ */

/* The packet's fields from an index the kernel wrote. */
static void adopt_index(struct coap_packet *cpkt, uint8_t *data, uint16_t len)
{
	cpkt->data = data;
	cpkt->offset = len;
	cpkt->max_len = len;
	cpkt->index.len = MIN(cpkt->index.len, len);
	cpkt->hdr_len = cpkt->index.hdr_len;
	cpkt->opt_len = cpkt->index.opt_len;
	cpkt->delta = cpkt->index.count > 0U
		? cpkt->index.options[indexed_count(cpkt) - 1U].number : 0U;
}

/* Zephyr's cache of the first opt_num options (a value over 12 bytes is -EINVAL). */
static int copy_options(const struct coap_packet *cpkt, struct coap_option *options,
			uint8_t opt_num)
{
	for (uint8_t i = 0; i < opt_num; i++) {
		options[i].delta = 0;
		options[i].len = 0;
	}
	for (uint8_t i = 0; i < indexed_count(cpkt) && i < opt_num; i++) {
		const struct coap_parsed_option *entry = &cpkt->index.options[i];
		const uint8_t *value = entry_value(cpkt, entry);

		if (value == NULL || entry->len > sizeof(options[i].value)) {
			return -EINVAL;
		}
		options[i].delta = entry->number;
		options[i].len = (uint8_t)entry->len;
		memcpy(options[i].value, value, entry->len);
	}
	return 0;
}

int coap_packet_parse(struct coap_packet *cpkt, uint8_t *data, uint16_t len,
		      struct coap_option *options, uint8_t opt_num)
{
	if (cpkt == NULL || data == NULL || len < HEADER_SIZE) {
		return -EINVAL;
	}
	memset(cpkt, 0, sizeof(*cpkt));
	int ret = z_levante_coap_parse(data, len, &cpkt->index);

	adopt_index(cpkt, data, len);
	if (ret < 0) {
		return ret;
	}
	return options != NULL ? copy_options(cpkt, options, opt_num) : 0;
}

int coap_levante_recv(int sock, struct coap_packet *cpkt, uint8_t *buf, uint16_t max_len,
		      struct sockaddr *src, socklen_t *src_len, int role)
{
	memset(cpkt, 0, sizeof(*cpkt));
	int ret = z_levante_coap_recv(sock, buf, max_len, src, src_len, &cpkt->index, role);

	if (ret >= 0 || cpkt->index.hdr_len >= HEADER_SIZE) {
		adopt_index(cpkt, buf, MIN(cpkt->index.len, max_len));
	}
	return ret;
}

/* ---- reading options ------------------------------------------------------------------ */

int coap_find_options(const struct coap_packet *cpkt, uint16_t code,
		      struct coap_option *options, uint16_t veclen)
{
	int found = 0;

	for (uint8_t i = 0; i < indexed_count(cpkt) && found < veclen; i++) {
		const struct coap_parsed_option *entry = &cpkt->index.options[i];

		if (entry->number != code) {
			continue;
		}
		const uint8_t *value = entry_value(cpkt, entry);

		if (value == NULL || entry->len > sizeof(options[found].value)) {
			return -EINVAL;
		}
		options[found].delta = code;
		options[found].len = (uint8_t)entry->len;
		memcpy(options[found].value, value, entry->len);
		found++;
	}
	return found;
}

unsigned int coap_option_value_to_int(const struct coap_option *option)
{
	unsigned int value = 0;

	for (uint8_t i = 0; i < option->len && i < UINT_MAX_BYTES; i++) {
		value = (value << 8) | option->value[i];
	}
	return value;
}

int coap_get_option_int(const struct coap_packet *cpkt, uint16_t code)
{
	const struct coap_parsed_option *entry = first_option(cpkt, code);

	if (entry == NULL) {
		return -ENOENT;
	}
	const uint8_t *value = entry_value(cpkt, entry);

	if (value == NULL || entry->len > UINT_MAX_BYTES) {
		return -EINVAL;
	}
	unsigned int number = 0;

	for (uint16_t i = 0; i < entry->len; i++) {
		number = (number << 8) | value[i];
	}
	return (int)number;
}

bool coap_uri_path_match(const char *const *path, struct coap_option *options, uint8_t opt_num)
{
	uint8_t segment = 0;

	for (uint8_t i = 0; i < opt_num; i++) {
		if (options[i].delta != COAP_OPTION_URI_PATH) {
			continue;
		}
		if (path[segment] == NULL || strlen(path[segment]) != options[i].len ||
		    memcmp(path[segment], options[i].value, options[i].len) != 0) {
			return false;
		}
		segment++;
	}
	return path[segment] == NULL;
}

bool z_coap_path_matches(const struct coap_packet *request, const char *const *path)
{
	int segment = 0;

	for (uint8_t i = 0; i < MIN(request->index.count, COAP_PARSED_OPTIONS_MAX); i++) {
		const struct coap_parsed_option *entry = &request->index.options[i];

		if (entry->number != COAP_OPTION_URI_PATH) {
			continue;
		}
		if ((uint32_t)entry->offset + entry->len > request->index.len ||
		    path[segment] == NULL || strlen(path[segment]) != entry->len ||
		    memcmp(path[segment], request->data + entry->offset, entry->len) != 0) {
			return false;
		}
		segment++;
	}
	return path[segment] == NULL;
}

/* ---- dispatching requests to resources (Zephyr's coap_handle_request) ------------------ */

static int method_of(const struct coap_resource *resource, uint8_t code, coap_method_t *method)
{
	switch (code) {
	case COAP_METHOD_GET: *method = resource->get; return 0;
	case COAP_METHOD_POST: *method = resource->post; return 0;
	case COAP_METHOD_PUT: *method = resource->put; return 0;
	case COAP_METHOD_DELETE: *method = resource->del; return 0;
	case COAP_METHOD_FETCH: *method = resource->fetch; return 0;
	case COAP_METHOD_PATCH: *method = resource->patch; return 0;
	case COAP_METHOD_IPATCH: *method = resource->ipatch; return 0;
	default: return -EINVAL;
	}
}

/* The request's path is read from the packet's index, which the kernel wrote when it
 * parsed the packet and which `options` was copied from: so a path segment is matched
 * whatever its length, as the service matches it (the same function serves both). */
int coap_handle_request_len(struct coap_packet *cpkt, struct coap_resource *resources,
			    size_t resources_len, struct coap_option *options, uint8_t opt_num,
			    struct sockaddr *addr, socklen_t addr_len)
{
	ARG_UNUSED(options), ARG_UNUSED(opt_num);
	if (cpkt == NULL || (resources == NULL && resources_len > 0U) ||
	    cpkt->index.hdr_len < HEADER_SIZE || !coap_packet_is_request(cpkt)) {
		return -ENOTSUP; /* Zephyr 4's answer to what is no request */
	}
	for (size_t i = 0; i < resources_len; i++) {
		coap_method_t method;

		if (resources[i].path == NULL || !z_coap_path_matches(cpkt, resources[i].path)) {
			continue;
		}
		if (method_of(&resources[i], coap_header_get_code(cpkt), &method) < 0) {
			return -ENOTSUP;
		}
		if (method == NULL) {
			return -EPERM;
		}
		return method(&resources[i], cpkt, addr, addr_len);
	}
	return -ENOENT;
}

int coap_handle_request(struct coap_packet *cpkt, struct coap_resource *resources,
			struct coap_option *options, uint8_t opt_num, struct sockaddr *addr,
			socklen_t addr_len)
{
	size_t resources_len = 0;

	/* The array ends with an entry whose path is NULL (Zephyr's convention). */
	while (resources != NULL && resources[resources_len].path != NULL) {
		resources_len++;
	}
	return coap_handle_request_len(cpkt, resources, resources_len, options, opt_num, addr,
				       addr_len);
}

/* ---- building ------------------------------------------------------------------------- */

int coap_packet_init(struct coap_packet *cpkt, uint8_t *data, uint16_t max_len, uint8_t ver,
		     uint8_t type, uint8_t token_len, const uint8_t *token, uint8_t code,
		     uint16_t id)
{
	if (cpkt == NULL || data == NULL || ver != COAP_VERSION_1 || type > COAP_TYPE_RESET ||
	    token_len > COAP_TOKEN_MAX_LEN || (token_len > 0U && token == NULL) ||
	    max_len < HEADER_SIZE + token_len) {
		return -EINVAL;
	}
	memset(cpkt, 0, sizeof(*cpkt));
	data[0] = (uint8_t)((ver << 6) | (type << 4) | token_len);
	data[1] = code;
	data[2] = (uint8_t)(id >> 8);
	data[3] = (uint8_t)id;
	if (token_len > 0U) {
		memcpy(data + HEADER_SIZE, token, token_len);
	}
	cpkt->data = data;
	cpkt->max_len = max_len;
	cpkt->offset = (uint16_t)(HEADER_SIZE + token_len);
	cpkt->hdr_len = (uint8_t)cpkt->offset;
	cpkt->index.len = cpkt->offset;
	cpkt->index.hdr_len = cpkt->hdr_len;
	cpkt->index.payload_offset = cpkt->offset;
	return 0;
}

int coap_ack_init(struct coap_packet *cpkt, const struct coap_packet *req, uint8_t *data,
		  uint16_t max_len, uint8_t code)
{
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint8_t tkl = coap_header_get_token(req, token);

	return coap_packet_init(cpkt, data, max_len, COAP_VERSION_1, COAP_TYPE_ACK, tkl, token,
				code, coap_header_get_id(req));
}

static uint8_t extension_nibble(uint16_t value, uint8_t *extension, uint8_t *size)
{
	if (value < ONE_BYTE_FROM) {
		*size = 0;
		return (uint8_t)value;
	}
	if (value < TWO_BYTES_FROM) {
		extension[0] = (uint8_t)(value - ONE_BYTE_FROM);
		*size = 1;
		return NIBBLE_ONE_BYTE;
	}
	uint16_t rest = (uint16_t)(value - TWO_BYTES_FROM);

	extension[0] = (uint8_t)(rest >> 8);
	extension[1] = (uint8_t)rest;
	*size = 2;
	return NIBBLE_TWO_BYTES;
}

int coap_packet_append_option(struct coap_packet *cpkt, uint16_t code, const uint8_t *value,
			      uint16_t len)
{
	uint8_t delta_ext[2], length_ext[2], delta_size, length_size;

	/* Options go in order of their numbers, before the payload marker (RFC 7252 §3.1). */
	if (cpkt == NULL || (len > 0U && value == NULL) || code < cpkt->delta ||
	    cpkt->offset != cpkt->hdr_len + cpkt->opt_len) {
		return -EINVAL;
	}
	if (cpkt->index.count >= COAP_PARSED_OPTIONS_MAX) {
		return -ENOMEM;
	}
	uint8_t delta_nibble = extension_nibble((uint16_t)(code - cpkt->delta), delta_ext,
						&delta_size);
	uint8_t length_nibble = extension_nibble(len, length_ext, &length_size);
	uint32_t size = 1U + delta_size + length_size + len;

	if ((uint32_t)cpkt->offset + size > cpkt->max_len) {
		return -EINVAL;
	}
	uint8_t *out = cpkt->data + cpkt->offset;

	*out++ = (uint8_t)((delta_nibble << 4) | length_nibble);
	memcpy(out, delta_ext, delta_size);
	out += delta_size;
	memcpy(out, length_ext, length_size);
	out += length_size;
	if (len > 0U) {
		memcpy(out, value, len);
	}
	struct coap_parsed_option *entry = &cpkt->index.options[cpkt->index.count++];

	entry->number = code;
	entry->offset = (uint16_t)(out - cpkt->data);
	entry->len = len;
	cpkt->offset = (uint16_t)(cpkt->offset + size);
	cpkt->opt_len = (uint16_t)(cpkt->opt_len + size);
	cpkt->delta = code;
	cpkt->index.opt_len = cpkt->opt_len;
	cpkt->index.len = cpkt->offset;
	cpkt->index.payload_offset = cpkt->offset;
	return 0;
}

int coap_append_option_int(struct coap_packet *cpkt, uint16_t code, unsigned int val)
{
	uint8_t bytes[UINT_MAX_BYTES];
	uint16_t len = 0;

	/* RFC 7252 §3.2: big-endian in as few bytes as possible; 0 is no bytes. */
	for (int shift = 24; shift >= 0; shift -= 8) {
		uint8_t byte = (uint8_t)(val >> shift);

		if (len > 0U || byte != 0U) {
			bytes[len++] = byte;
		}
	}
	return coap_packet_append_option(cpkt, code, bytes, len);
}

int coap_packet_append_payload_marker(struct coap_packet *cpkt)
{
	if (cpkt == NULL || cpkt->offset != cpkt->hdr_len + cpkt->opt_len ||
	    cpkt->offset >= cpkt->max_len) {
		return -EINVAL;
	}
	cpkt->data[cpkt->offset++] = PAYLOAD_MARKER;
	cpkt->index.len = cpkt->offset;
	cpkt->index.payload_offset = cpkt->offset;
	return 0;
}

int coap_packet_append_payload(struct coap_packet *cpkt, const uint8_t *payload,
			       uint16_t payload_len)
{
	if (cpkt == NULL || payload == NULL || cpkt->offset == cpkt->hdr_len + cpkt->opt_len ||
	    (uint32_t)cpkt->offset + payload_len > cpkt->max_len) {
		return -EINVAL;
	}
	memcpy(cpkt->data + cpkt->offset, payload, payload_len);
	cpkt->offset = (uint16_t)(cpkt->offset + payload_len);
	cpkt->index.len = cpkt->offset;
	return 0;
}

/* "a/b?x=1&y" → Uri-Path a, Uri-Path b, Uri-Query x=1, Uri-Query y. */
int coap_packet_set_path(struct coap_packet *cpkt, const char *path)
{
	uint16_t option = COAP_OPTION_URI_PATH;
	const char *start = path;

	if (path == NULL) {
		return -EINVAL;
	}
	while (*start == '/') {
		start++;
	}
	while (*start != '\0') {
		size_t length = strcspn(start, option == COAP_OPTION_URI_PATH ? "/?" : "&");
		char stop = start[length];

		if (length > 0U) {
			int ret = coap_packet_append_option(cpkt, option, (const uint8_t *)start,
							    (uint16_t)length);
			if (ret < 0) {
				return ret;
			}
		}
		if (stop == '?') {
			option = COAP_OPTION_URI_QUERY;
		}
		start += length + (stop != '\0' ? 1U : 0U);
	}
	return 0;
}

uint8_t *coap_next_token(void)
{
	static uint8_t token[COAP_TOKEN_MAX_LEN];

	sys_rand_get(token, sizeof(token));
	return token;
}

uint16_t coap_next_id(void)
{
	static uint16_t next;
	static bool seeded;

	/* RFC 7252 §4.4: start from a random message ID. */
	if (!seeded) {
		sys_rand_get(&next, sizeof(next));
		seeded = true;
	}
	return next++;
}

/* ---- block-wise transfers (RFC 7959) -------------------------------------------------- */

int coap_block_transfer_init(struct coap_block_context *ctx, enum coap_block_size block_size,
			     size_t total_size)
{
	if (block_size > COAP_BLOCK_1024) {
		return -EINVAL;
	}
	ctx->block_size = block_size;
	ctx->total_size = total_size;
	ctx->current = 0;
	return 0;
}

static int append_block(struct coap_packet *cpkt, uint16_t option,
			const struct coap_block_context *ctx, bool more)
{
	unsigned int number = (unsigned int)(ctx->current / coap_block_size_to_bytes(ctx->block_size));

	return coap_append_option_int(cpkt, option,
				      (number << 4) | (more ? 0x08U : 0U) | ctx->block_size);
}

int coap_append_block1_option(struct coap_packet *cpkt, struct coap_block_context *ctx)
{
	bool more = false;

	if (coap_packet_is_request(cpkt)) {
		more = ctx->current + coap_block_size_to_bytes(ctx->block_size) < ctx->total_size;
	}
	return append_block(cpkt, COAP_OPTION_BLOCK1, ctx, more);
}

int coap_append_block2_option(struct coap_packet *cpkt, struct coap_block_context *ctx)
{
	bool more = false;

	if (!coap_packet_is_request(cpkt)) {
		more = ctx->current + coap_block_size_to_bytes(ctx->block_size) < ctx->total_size;
	}
	return append_block(cpkt, COAP_OPTION_BLOCK2, ctx, more);
}

int coap_append_descriptive_block_option(struct coap_packet *cpkt,
					 struct coap_block_context *ctx)
{
	return coap_packet_is_request(cpkt) ? coap_append_block1_option(cpkt, ctx)
					    : coap_append_block2_option(cpkt, ctx);
}

bool coap_has_descriptive_block_option(struct coap_packet *cpkt)
{
	uint16_t option = coap_packet_is_request(cpkt) ? COAP_OPTION_BLOCK1 : COAP_OPTION_BLOCK2;

	return coap_get_option_int(cpkt, option) >= 0;
}

bool coap_block_has_more(struct coap_packet *cpkt)
{
	uint16_t option = coap_packet_is_request(cpkt) ? COAP_OPTION_BLOCK1 : COAP_OPTION_BLOCK2;
	int value = coap_get_option_int(cpkt, option);

	return value >= 0 && GET_MORE(value);
}

int coap_append_size1_option(struct coap_packet *cpkt, struct coap_block_context *ctx)
{
	return coap_append_option_int(cpkt, COAP_OPTION_SIZE1, (unsigned int)ctx->total_size);
}

int coap_append_size2_option(struct coap_packet *cpkt, struct coap_block_context *ctx)
{
	return coap_append_option_int(cpkt, COAP_OPTION_SIZE2, (unsigned int)ctx->total_size);
}

/* The block's size in bytes, with its M flag and number; -ENOENT without the option. */
static int get_block(const struct coap_packet *cpkt, uint16_t option, bool *has_more,
		     uint32_t *block_number)
{
	int value = coap_get_option_int(cpkt, option);

	/* The kernel refused SZX 7; a value over 3 bytes is not a Block option. */
	if (value < 0) {
		return value;
	}
	if (value > 0xFFFFFF || GET_BLOCK_SIZE(value) > COAP_BLOCK_1024) {
		return -EINVAL;
	}
	*has_more = GET_MORE(value);
	*block_number = (uint32_t)GET_BLOCK_NUM(value);
	return coap_block_size_to_bytes((enum coap_block_size)GET_BLOCK_SIZE(value));
}

int coap_get_block1_option(const struct coap_packet *cpkt, bool *has_more,
			   uint32_t *block_number)
{
	return get_block(cpkt, COAP_OPTION_BLOCK1, has_more, block_number);
}

int coap_get_block2_option(const struct coap_packet *cpkt, bool *has_more,
			   uint32_t *block_number)
{
	return get_block(cpkt, COAP_OPTION_BLOCK2, has_more, block_number);
}

/* A block's offset in the body: NUM * size, in 64 bits (NUM has 20 bits, size up to
 * 1024: it fits, but never wraps a size_t on the way). */
static uint64_t block_offset(int block)
{
	return (uint64_t)GET_BLOCK_NUM(block) << (GET_BLOCK_SIZE(block) + 4);
}

/* The peer describes its own body (Block1 in a request, Block2 in a response). */
static int update_descriptive(struct coap_block_context *ctx, int block, int size)
{
	if (block == -ENOENT) {
		return 0;
	}
	if (block < 0 || GET_BLOCK_SIZE(block) > COAP_BLOCK_1024) {
		return -EINVAL;
	}
	uint64_t offset = block_offset(block);

	if (size > 0 && ctx->total_size > 0U && ctx->total_size != (size_t)size) {
		return -EINVAL;
	}
	if (ctx->current > 0U && GET_BLOCK_SIZE(block) > ctx->block_size) {
		return -EINVAL;
	}
	if (ctx->total_size > 0U && offset > ctx->total_size) {
		return -EINVAL;
	}
	if (offset > SIZE_MAX) {
		return -EINVAL;
	}
	if (size > 0) {
		ctx->total_size = (size_t)size;
	}
	ctx->current = (size_t)offset;
	ctx->block_size = MIN((enum coap_block_size)GET_BLOCK_SIZE(block), ctx->block_size);
	return 0;
}

/* The peer acknowledges our Block1 (in a response) or asks for a Block2 (in a request). */
static int update_control(struct coap_block_context *ctx, int block, int size, bool request)
{
	if (block == -ENOENT) {
		return 0;
	}
	if (block < 0 || GET_BLOCK_SIZE(block) > COAP_BLOCK_1024) {
		return -EINVAL;
	}
	uint64_t offset = block_offset(block);

	if (request) {
		/* RFC 7959 §2.2: a Block2 in a request asks for a block; M is meaningless. */
		if (GET_MORE(block) ||
		    (GET_BLOCK_NUM(block) > 0 && GET_BLOCK_SIZE(block) != ctx->block_size)) {
			return -EINVAL;
		}
		ctx->current = (size_t)offset;
		ctx->block_size = MIN((enum coap_block_size)GET_BLOCK_SIZE(block), ctx->block_size);
		return 0;
	}
	if (offset != ctx->current || GET_BLOCK_SIZE(block) > ctx->block_size) {
		return -EINVAL;
	}
	ctx->block_size = (enum coap_block_size)GET_BLOCK_SIZE(block);
	if (size >= 0) {
		ctx->total_size = (size_t)size;
	}
	return 0;
}

int coap_update_from_block(const struct coap_packet *cpkt, struct coap_block_context *ctx)
{
	int block1 = coap_get_option_int(cpkt, COAP_OPTION_BLOCK1);
	int block2 = coap_get_option_int(cpkt, COAP_OPTION_BLOCK2);
	int size1 = coap_get_option_int(cpkt, COAP_OPTION_SIZE1);
	int size2 = coap_get_option_int(cpkt, COAP_OPTION_SIZE2);
	int ret;

	if (coap_packet_is_request(cpkt)) {
		ret = update_control(ctx, block2, size2, true);
		return ret != 0 ? ret : update_descriptive(ctx, block1, size1 == -ENOENT ? 0 : size1);
	}
	ret = update_control(ctx, block1, size1, false);
	return ret != 0 ? ret : update_descriptive(ctx, block2, size2 == -ENOENT ? 0 : size2);
}

int coap_next_block_for_option(const struct coap_packet *cpkt, struct coap_block_context *ctx,
			       enum coap_option_num option)
{
	uint16_t len;

	if (option != COAP_OPTION_BLOCK1 && option != COAP_OPTION_BLOCK2) {
		return -EINVAL;
	}
	int block = coap_get_option_int(cpkt, option);

	if (block < 0) {
		return block;
	}
	(void)coap_packet_get_payload(cpkt, &len);
	if (ctx->total_size > 0U && ctx->total_size < ctx->current + len) {
		return -EMSGSIZE;
	}
	ctx->current += len;
	return GET_MORE(block) ? (int)ctx->current : 0;
}

size_t coap_next_block(const struct coap_packet *cpkt, struct coap_block_context *ctx)
{
	enum coap_option_num option =
		coap_packet_is_request(cpkt) ? COAP_OPTION_BLOCK1 : COAP_OPTION_BLOCK2;
	int ret = coap_next_block_for_option(cpkt, ctx, option);

	return ret > 0 ? (size_t)ret : 0U;
}

/* ---- observe (RFC 7641) --------------------------------------------------------------- */

void coap_observer_init(struct coap_observer *observer, const struct coap_packet *request,
			const struct sockaddr *addr)
{
	memset(observer, 0, sizeof(*observer));
	observer->tkl = coap_header_get_token(request, observer->token);
	if (addr != NULL) {
		memcpy(&observer->addr, addr, sizeof(observer->addr));
	}
}

bool coap_register_observer(struct coap_resource *resource, struct coap_observer *observer)
{
	bool first = sys_slist_is_empty(&resource->observers);

	sys_slist_append(&resource->observers, &observer->list);
	/* RFC 7641 §4.4: sequence numbers start above the registration's 0 and 1. */
	if (first && resource->age < 2) {
		resource->age = 2;
	}
	return first;
}

bool coap_remove_observer(struct coap_resource *resource, struct coap_observer *observer)
{
	return sys_slist_find_and_remove(&resource->observers, &observer->list);
}

int coap_resource_notify(struct coap_resource *resource)
{
	sys_snode_t *node;

	if (resource == NULL || resource->notify == NULL) {
		return -ENOENT;
	}
	if (sys_slist_is_empty(&resource->observers)) {
		return -ENOENT;
	}
	/* RFC 7641 §4.4: a 24-bit sequence number that wraps past its reserved 0 and 1. */
	resource->age = (resource->age >= COAP_OBSERVE_MAX_AGE) ? 2 : resource->age + 1;
	SYS_SLIST_FOR_EACH_NODE(&resource->observers, node) {
		resource->notify(resource, CONTAINER_OF(node, struct coap_observer, list));
	}
	return 0;
}

bool coap_request_is_observe(const struct coap_packet *request)
{
	return coap_get_option_int(request, COAP_OPTION_OBSERVE) == 0;
}

struct coap_transmission_parameters coap_get_transmission_parameters(void)
{
	return transmission;
}

void coap_set_transmission_parameters(const struct coap_transmission_parameters *params)
{
	transmission = *params;
}
#endif /* CONFIG_COAP */
