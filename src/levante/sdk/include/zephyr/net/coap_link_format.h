/* <zephyr/net/coap_link_format.h>: the CoRE Link Format (RFC 6690) listing of resources
 * that GET /.well-known/core answers with.  A resource whose user_data points at a
 * struct coap_core_metadata gets its attributes after its link (</core1>;rt=core1), as
 * in Zephyr.  The whole listing goes in one message (a listing that does not fit fails
 * with -ENOMEM), or with CONFIG_COAP_WELL_KNOWN_BLOCK_WISE the Block2 block the request
 * asks for (RFC 7959; block 0 without one), of at most
 * CONFIG_COAP_WELL_KNOWN_BLOCK_WISE_SIZE bytes; a block past the end fails with -EINVAL. */
#ifndef ZEPHYR_INCLUDE_NET_COAP_LINK_FORMAT_H_
#define ZEPHYR_INCLUDE_NET_COAP_LINK_FORMAT_H_

#include <zephyr/net/coap.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COAP_WELL_KNOWN_CORE_PATH ((const char *const[]){ ".well-known", "core", NULL })

struct coap_core_metadata {
	const char *const *attributes; /* "rt=x", "title=\"y\"", ..., NULL */
	void *user_data;
};

/* The listing of the `resources_len` resources, filtered by the request's first
 * Uri-Query (RFC 6690 §4.1: href=/path or attribute=value, a trailing '*' matching any
 * rest), as a 2.05 ACK with Content-Format 40 in `response` over `data`. */
int coap_well_known_core_get_len(struct coap_resource *resources, size_t resources_len,
				 const struct coap_packet *request, struct coap_packet *response,
				 uint8_t *data, uint16_t data_len);

/* As above for the resources after `resource` (the .well-known/core one) up to the first
 * one without a path. */
int coap_well_known_core_get(struct coap_resource *resource, const struct coap_packet *request,
			     struct coap_packet *response, uint8_t *data, uint16_t data_len);

/* Levante's: the listing's link text from byte `start`, at most `size` bytes of it into
 * `text`; the whole listing's length, -EINVAL for a query longer than an option holds. */
int z_coap_link_format(const struct coap_resource *resources, size_t resources_len,
		       const struct coap_packet *request, char *text, size_t start, size_t size);

/* Levante's: the answer to GET /.well-known/core as coap_well_known_core_get_len builds
 * it, with the message type and ID given (the service answers NON requests with NON). */
int z_coap_well_known_core_reply(const struct coap_resource *resources, size_t resources_len,
				 const struct coap_packet *request, struct coap_packet *response,
				 uint8_t *data, uint16_t data_len, uint8_t type, uint16_t id);

#ifdef __cplusplus
}
#endif

#endif
