/* The CoRE Link Format listing (RFC 6690) of <zephyr/net/coap_link_format.h>, which the
 * CoAP server's GET /.well-known/core answers with too. */
#include <zephyr/kernel.h>

#ifdef CONFIG_COAP
#include <errno.h>
#include <string.h>
#include <zephyr/net/coap.h>
#include <zephyr/net/coap_link_format.h>

struct link_text {
	char *text;
	size_t size;
	size_t used;
	bool full;
};

static void put(struct link_text *out, const char *part, size_t length)
{
	if (out->full || length > out->size - out->used) {
		out->full = true;
		return;
	}
	memcpy(out->text + out->used, part, length);
	out->used += length;
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
	struct link_text out = { href, sizeof(href), 0, false };

	for (const char *const *segment = path; *segment != NULL; segment++) {
		put_text(&out, "/");
		put_text(&out, *segment);
	}
	/* A path longer than any query can name matches only a prefix query. */
	return value_matches(href, out.used, wanted, wanted_len) ||
	       (out.full && wanted_len > 0U && wanted[wanted_len - 1U] == '*' &&
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
		       const struct coap_packet *request, char *text, size_t size)
{
	struct coap_option query;
	struct link_text out = { text, size, 0, false };
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
		put_text(&out, out.used > 0U ? ",<" : "<");
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
	return out.full ? -ENOMEM : (int)out.used;
}

int coap_well_known_core_get_len(struct coap_resource *resources, size_t resources_len,
				 const struct coap_packet *request, struct coap_packet *response,
				 uint8_t *data, uint16_t data_len)
{
	uint8_t token[COAP_TOKEN_MAX_LEN];
	int ret;

	if (resources == NULL || request == NULL || response == NULL || data == NULL ||
	    data_len == 0U) {
		return -EINVAL;
	}
	uint8_t tkl = coap_header_get_token(request, token);

	ret = coap_packet_init(response, data, data_len, COAP_VERSION_1, COAP_TYPE_ACK, tkl, token,
			       COAP_RESPONSE_CODE_CONTENT, coap_header_get_id(request));
	if (ret < 0) {
		return ret;
	}
	ret = coap_append_option_int(response, COAP_OPTION_CONTENT_FORMAT,
				     COAP_CONTENT_FORMAT_APP_LINK_FORMAT);
	if (ret < 0) {
		return ret;
	}
	/* The payload marker and the links after what the header took. */
	if (response->offset + 1U >= response->max_len) {
		return -ENOMEM;
	}
	char *links = (char *)response->data + response->offset + 1U;
	int length = z_coap_link_format(resources, resources_len, request, links,
					response->max_len - response->offset - 1U);

	if (length <= 0) {
		return length;
	}
	ret = coap_packet_append_payload_marker(response);
	if (ret < 0) {
		return ret;
	}
	/* The links are already in place after the marker: the payload is theirs (what
	 * coap_packet_append_payload would do, without copying them onto themselves). */
	response->offset = (uint16_t)(response->offset + length);
	response->index.len = response->offset;
	return 0;
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
