/* The CoRE Link Format listing (RFC 6690) of <zephyr/net/coap_link_format.h>, which the
 * CoAP server's GET /.well-known/core answers with too, in one message or, with
 * CONFIG_COAP_WELL_KNOWN_BLOCK_WISE, block by block (RFC 7959 Block2). */
#include <zephyr/kernel.h>

#ifdef CONFIG_COAP
#include <errno.h>
#include <string.h>
#include <zephyr/net/coap.h>
#include <zephyr/net/coap_link_format.h>

/* A window on the listing: the bytes from `start` for `size` bytes go to `text`; `total`
 * counts the whole listing, so one pass serves one message or any block of it. */
struct link_text {
	char *text;
	size_t start;
	size_t size;
	size_t total;
};

static void put(struct link_text *out, const char *part, size_t length)
{
	size_t from = MAX(out->total, out->start);
	size_t to = MIN(out->total + length, out->start + out->size);

	if (from < to) {
		memcpy(out->text + (from - out->start), part + (from - out->total), to - from);
	}
	out->total += length;
}

static void put_text(struct link_text *out, const char *part)
{
	put(out, part, strlen(part));
}

/* RFC 6690 §4.1: `value` matches `wanted`, which may end in '*' (any rest). */
static bool value_matches(const char *value, size_t value_len, const char *wanted,
			  size_t wanted_len)
{
	if (wanted_len > 0U && wanted[wanted_len - 1U] == '*') {
		wanted_len--;
		return value_len >= wanted_len && memcmp(value, wanted, wanted_len) == 0;
	}
	return value_len == wanted_len && memcmp(value, wanted, wanted_len) == 0;
}

static bool path_matches_href(const char *const *path, const char *wanted, size_t wanted_len)
{
	char href[sizeof(((struct coap_option *)0)->value) + 2U];
	struct link_text out = { href, 0, sizeof(href), 0 };
	bool full;

	for (const char *const *segment = path; *segment != NULL; segment++) {
		put_text(&out, "/");
		put_text(&out, *segment);
	}
	/* A path longer than any query can name matches only a prefix query. */
	full = out.total > sizeof(href);
	return value_matches(href, MIN(out.total, sizeof(href)), wanted, wanted_len) ||
	       (full && wanted_len > 0U && wanted[wanted_len - 1U] == '*' &&
		memcmp(href, wanted, wanted_len - 1U) == 0);
}

/* An attribute "name=value" or "name=\"value\"" matches the query's name and value. */
static bool attribute_matches(const char *attribute, const char *name, size_t name_len,
			      const char *wanted, size_t wanted_len)
{
	size_t length = strlen(attribute);

	if (length <= name_len || memcmp(attribute, name, name_len) != 0 ||
	    attribute[name_len] != '=') {
		return false;
	}
	const char *value = attribute + name_len + 1U;
	size_t value_len = length - name_len - 1U;

	if (value_len >= 2U && value[0] == '"' && value[value_len - 1U] == '"') {
		value++;
		value_len -= 2U;
	}
	return value_matches(value, value_len, wanted, wanted_len);
}

static bool resource_matches(const struct coap_resource *resource, const struct coap_option *query)
{
	const char *text = (const char *)query->value;
	const char *equals = memchr(text, '=', query->len);

	if (equals == NULL) {
		return false; /* not name=value: nothing matches (RFC 6690 §4.1) */
	}
	size_t name_len = (size_t)(equals - text);
	const char *wanted = equals + 1;
	size_t wanted_len = query->len - name_len - 1U;

	if (name_len == 4U && memcmp(text, "href", 4) == 0) {
		return path_matches_href(resource->path, wanted, wanted_len);
	}
	const struct coap_core_metadata *meta = resource->user_data;

	if (meta == NULL || meta->attributes == NULL) {
		return false;
	}
	for (const char *const *attribute = meta->attributes; *attribute != NULL; attribute++) {
		if (attribute_matches(*attribute, text, name_len, wanted, wanted_len)) {
			return true;
		}
	}
	return false;
}

int z_coap_link_format(const struct coap_resource *resources, size_t resources_len,
		       const struct coap_packet *request, char *text, size_t start, size_t size)
{
	struct coap_option query;
	struct link_text out = { text, start, size, 0 };
	/* RFC 6690 §4.1: one query parameter at most; the first if there are more. */
	int queries = coap_find_options(request, COAP_OPTION_URI_QUERY, &query, 1);

	if (queries < 0) {
		return queries;
	}
	for (size_t i = 0; i < resources_len; i++) {
		const struct coap_resource *resource = &resources[i];

		if (resource->path == NULL || (queries > 0 && !resource_matches(resource, &query))) {
			continue;
		}
		put_text(&out, out.total > 0U ? ",<" : "<");
		for (const char *const *segment = resource->path; *segment != NULL; segment++) {
			put_text(&out, "/");
			put_text(&out, *segment);
		}
		put_text(&out, ">");
		const struct coap_core_metadata *meta = resource->user_data;

		if (meta != NULL && meta->attributes != NULL) {
			for (const char *const *attribute = meta->attributes; *attribute != NULL;
			     attribute++) {
				put_text(&out, ";");
				put_text(&out, *attribute);
			}
		}
	}
	return out.total > (size_t)INT32_MAX ? -ENOMEM : (int)out.total;
}

#ifdef CONFIG_COAP_WELL_KNOWN_BLOCK_WISE
#define BLOCK_BYTES CONFIG_COAP_WELL_KNOWN_BLOCK_WISE_SIZE
BUILD_ASSERT(BLOCK_BYTES >= 16 && BLOCK_BYTES <= 1024 && (BLOCK_BYTES & (BLOCK_BYTES - 1)) == 0,
	     "CONFIG_COAP_WELL_KNOWN_BLOCK_WISE_SIZE is 16, 32, 64, 128, 256, 512 or 1024");

/* RFC 7959 §2.4: the block a GET asks for (block 0 without a Block2 option), in the
 * smaller of the sizes it asks for and the configured one; whether to label the answer
 * with Block2 (asked for, or a listing larger than a block). */
static int wanted_block(const struct coap_packet *request, size_t total,
			struct coap_block_context *ctx, bool *labelled)
{
	int block = coap_get_option_int(request, COAP_OPTION_BLOCK2);
	enum coap_block_size szx = coap_bytes_to_block_size(BLOCK_BYTES);
	uint64_t offset = 0;

	if (block >= 0) {
		/* The codec refused SZX 7 and NUM over 20 bits already; check it anyway. */
		if ((block & 0x7) > COAP_BLOCK_1024) {
			return -EINVAL;
		}
		offset = (uint64_t)((uint32_t)block >> 4) << ((block & 0x7) + 4);
		szx = MIN(szx, (enum coap_block_size)(block & 0x7));
	} else if (block != -ENOENT) {
		return block;
	}
	/* A block past the listing's end names nothing (RFC 7959 §2.2: 4.02). */
	if (offset > 0U && offset >= total) {
		return -EINVAL;
	}
	(void)coap_block_transfer_init(ctx, szx, total);
	ctx->current = (size_t)offset;
	*labelled = block >= 0 || total > coap_block_size_to_bytes(szx);
	return 0;
}
#endif

int z_coap_well_known_core_reply(const struct coap_resource *resources, size_t resources_len,
				 const struct coap_packet *request, struct coap_packet *response,
				 uint8_t *data, uint16_t data_len, uint8_t type, uint16_t id)
{
	uint8_t token[COAP_TOKEN_MAX_LEN];
	uint8_t tkl = coap_header_get_token(request, token);
	/* The listing's length first: the options before the payload depend on it. */
	int total = z_coap_link_format(resources, resources_len, request, NULL, 0, 0);
	size_t start = 0;
	size_t window = SIZE_MAX;
	int ret;

	if (total < 0) {
		return total;
	}
	ret = coap_packet_init(response, data, data_len, COAP_VERSION_1, type, tkl, token,
			       COAP_RESPONSE_CODE_CONTENT, id);
	if (ret == 0) {
		ret = coap_append_option_int(response, COAP_OPTION_CONTENT_FORMAT,
					     COAP_CONTENT_FORMAT_APP_LINK_FORMAT);
	}
#ifdef CONFIG_COAP_WELL_KNOWN_BLOCK_WISE
	struct coap_block_context ctx;
	bool labelled = false;

	if (ret == 0) {
		ret = wanted_block(request, (size_t)total, &ctx, &labelled);
	}
	if (ret == 0 && labelled) {
		start = ctx.current;
		window = coap_block_size_to_bytes(ctx.block_size);
		ret = coap_append_block2_option(response, &ctx);
	}
#endif
	if (ret < 0) {
		return ret;
	}
	size_t length = MIN((size_t)total - start, window);

	/* No resource matched the query: no payload, so no marker (RFC 7252 §3). */
	if (length == 0U) {
		return 0;
	}
	/* The marker and the links after what the header took; the whole listing (or the
	 * block) fits, or -ENOMEM. */
	if ((size_t)response->offset + 1U + length > response->max_len) {
		return -ENOMEM;
	}
	ret = coap_packet_append_payload_marker(response);
	if (ret < 0) {
		return ret;
	}
	(void)z_coap_link_format(resources, resources_len, request,
				 (char *)response->data + response->offset, start, length);
	/* The links are already in place after the marker: the payload is theirs (what
	 * coap_packet_append_payload would do, without copying them onto themselves). */
	response->offset = (uint16_t)(response->offset + length);
	response->index.len = response->offset;
	return 0;
}

int coap_well_known_core_get_len(struct coap_resource *resources, size_t resources_len,
				 const struct coap_packet *request, struct coap_packet *response,
				 uint8_t *data, uint16_t data_len)
{
	if (resources == NULL || request == NULL || response == NULL || data == NULL ||
	    data_len == 0U) {
		return -EINVAL;
	}
	return z_coap_well_known_core_reply(resources, resources_len, request, response, data,
					    data_len, COAP_TYPE_ACK, coap_header_get_id(request));
}

int coap_well_known_core_get(struct coap_resource *resource, const struct coap_packet *request,
			     struct coap_packet *response, uint8_t *data, uint16_t data_len)
{
	size_t count = 0;

	if (resource == NULL) {
		return -EINVAL;
	}
	while (resource[1 + count].path != NULL) {
		count++;
	}
	return coap_well_known_core_get_len(resource + 1, count, request, response, data,
					    data_len);
}
#endif /* CONFIG_COAP */
