/* Synchronous IPC between threads (docs/ipc.md): endpoints, call/receive/reply, and the
 * wire helpers the stubs that `levante build` generates from `.idl` files use.
 *
 * A client's call blocks until a server has received it and replied; the kernel checks
 * every request and reply against its method's description before it delivers it. */
#ifndef LEVANTE_IPC_H_
#define LEVANTE_IPC_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zephyr/kernel.h>

/* An endpoint: a kernel object (grant it to a user thread with k_object_access_grant).
 * The kernel keeps its state; `interface` is the id of the interface it serves. */
struct levante_ipc_endpoint {
	uint32_t interface;
	uint32_t _kernel_reserved[3];
};
typedef struct levante_ipc_endpoint *levante_ipc_endpoint_t;

/* An endpoint serving the interface `iface` of an `.idl` file (its generated header
 * must be included first). `static LEVANTE_IPC_ENDPOINT_DEFINE(...)` works too. */
#define LEVANTE_IPC_ENDPOINT_DEFINE(name, iface)                                     \
	struct levante_ipc_endpoint name Z_STATIC_OBJECT(levante_ipc_endpoint, name) = \
		{ .interface = LEVANTE_IDL_ID_##iface }

#define LEVANTE_IPC_HEADER_SIZE 16
#define LEVANTE_IPC_MAX_MESSAGE 2048
#define LEVANTE_IPC_FLAG_REPLY 1u

/* Send `request` (a whole message: header and payload) and wait for the reply, at most
 * `timeout`. Returns the reply's length (written to `reply`), the server's error, or
 * -EAGAIN (timeout), -EPIPE (the server ended), -EBADMSG (malformed), -EMSGSIZE,
 * -ENOTSUP, or a policy rule's errno. */
static inline int levante_ipc_call(levante_ipc_endpoint_t ep, const void *request, size_t len,
				   void *reply, size_t reply_cap, k_timeout_t timeout)
{
	return z_levante_ipc_call(ep, request, len, reply, reply_cap, timeout);
}

/* Wait for a call: its request goes to `buffer`, the token that names it to `*token`.
 * Returns the request's length, or -EAGAIN, -EMSGSIZE (`cap` cannot hold it), -EINVAL. */
static inline int levante_ipc_receive(levante_ipc_endpoint_t ep, void *buffer, size_t cap,
				      uint32_t *token, k_timeout_t timeout)
{
	return z_levante_ipc_receive(ep, buffer, cap, token, timeout);
}

/* Answer the call `token` with a whole reply message. Returns 0, -EBADMSG (malformed:
 * the call stays in service), -EPIPE (its client is gone), -EINVAL (no such call). */
static inline int levante_ipc_reply(levante_ipc_endpoint_t ep, uint32_t token,
				    const void *reply, size_t len)
{
	return z_levante_ipc_reply(ep, token, reply, len);
}

/* Answer the call `token` with an error (-1 .. -4095), which its client's call returns. */
static inline int levante_ipc_reply_error(levante_ipc_endpoint_t ep, uint32_t token, int error)
{
	return z_levante_ipc_reply_error(ep, token, error);
}

/* ---- the wire layout's helpers (little-endian, packed) ---------------------------- */

struct levante_ipc_cursor {
	uint8_t *data;
	size_t size;
	size_t at;
	bool failed; /* a read or write went past the end */
};

static inline void levante_ipc_put(struct levante_ipc_cursor *c, uint64_t value, size_t size)
{
	if (c->failed || size > c->size - c->at) {
		c->failed = true;
		return;
	}
	for (size_t i = 0; i < size; i++) {
		c->data[c->at++] = (uint8_t)(value >> (8 * i));
	}
}

static inline uint64_t levante_ipc_get(struct levante_ipc_cursor *c, size_t size)
{
	uint64_t value = 0;

	if (c->failed || size > c->size - c->at) {
		c->failed = true;
		return 0;
	}
	for (size_t i = 0; i < size; i++) {
		value |= (uint64_t)c->data[c->at++] << (8 * i);
	}
	return value;
}

static inline void levante_ipc_put_bytes(struct levante_ipc_cursor *c, const void *bytes,
					 size_t length)
{
	if (c->failed || length > c->size - c->at) {
		c->failed = true;
		return;
	}
	memcpy(c->data + c->at, bytes, length);
	c->at += length;
}

static inline void levante_ipc_get_bytes(struct levante_ipc_cursor *c, void *bytes,
					 size_t length)
{
	if (c->failed || length > c->size - c->at) {
		c->failed = true;
		return;
	}
	memcpy(bytes, c->data + c->at, length);
	c->at += length;
}

/* A string<N> from C: its length up to the first NUL, at most `bound` (longer is cut). */
static inline void levante_ipc_put_string(struct levante_ipc_cursor *c, const char *text,
					  size_t bound)
{
	size_t length = 0;

	while (text != NULL && length < bound && text[length] != '\0') {
		length++;
	}

	levante_ipc_put(c, length, 2);
	levante_ipc_put_bytes(c, text, length);
}

/* A string<N> into `text` (N + 1 bytes): NUL-terminated. */
static inline void levante_ipc_get_string(struct levante_ipc_cursor *c, char *text,
					  size_t bound)
{
	size_t length = (size_t)levante_ipc_get(c, 2);

	if (length > bound) {
		c->failed = true;
		length = 0;
	}
	levante_ipc_get_bytes(c, text, length);
	text[c->failed ? 0 : length] = '\0';
}

/* A bytes<N> into `bytes` (N bytes); its length to `*length`. */
static inline void levante_ipc_get_sequence(struct levante_ipc_cursor *c, uint8_t *bytes,
					    size_t *length, size_t bound)
{
	size_t count = (size_t)levante_ipc_get(c, 2);

	if (count > bound) {
		c->failed = true;
		count = 0;
	}
	levante_ipc_get_bytes(c, bytes, count);
	*length = c->failed ? 0 : count;
}

static inline void levante_ipc_put_header(struct levante_ipc_cursor *c, uint32_t interface,
					  uint16_t method, uint16_t flags)
{
	levante_ipc_put(c, interface, 4);
	levante_ipc_put(c, method, 2);
	levante_ipc_put(c, flags, 2);
	levante_ipc_put(c, 0, 4);
	levante_ipc_put(c, 0, 4); /* the payload's length, set by levante_ipc_finish */
}

/* The message's whole length, with the header's payload length filled in. */
static inline int levante_ipc_finish(struct levante_ipc_cursor *c)
{
	if (c->failed || c->at < LEVANTE_IPC_HEADER_SIZE) {
		return -EMSGSIZE;
	}
	uint32_t payload = (uint32_t)(c->at - LEVANTE_IPC_HEADER_SIZE);

	for (size_t i = 0; i < 4; i++) {
		c->data[12 + i] = (uint8_t)(payload >> (8 * i));
	}
	return (int)c->at;
}

/* Read a message's header: 0 when it is `interface`'s, with its method id. */
static inline int levante_ipc_open(struct levante_ipc_cursor *c, uint32_t interface,
				   uint16_t *method)
{
	uint32_t said = (uint32_t)levante_ipc_get(c, 4);

	*method = (uint16_t)levante_ipc_get(c, 2);
	(void)levante_ipc_get(c, 2);
	(void)levante_ipc_get(c, 4);
	uint32_t payload = (uint32_t)levante_ipc_get(c, 4);

	if (c->failed || said != interface || payload != c->size - LEVANTE_IPC_HEADER_SIZE) {
		return -EBADMSG;
	}
	return 0;
}

#endif /* LEVANTE_IPC_H_ */
