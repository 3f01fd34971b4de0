/* TLS credentials (Zephyr's <zephyr/net/tls_credentials.h>): certificates, keys and
 * pre-shared keys kept by the kernel under security tags, for TLS sockets to use.
 *
 * With CONFIG_TLS_CREDENTIALS the three calls are system calls
 * (generated/levante/syscalls.h):
 *
 *   int tls_credential_add(sec_tag_t tag, enum tls_credential_type type,
 *                          const void *cred, size_t credlen);
 *   int tls_credential_get(sec_tag_t tag, enum tls_credential_type type,
 *                          void *cred, size_t *credlen);
 *   int tls_credential_delete(sec_tag_t tag, enum tls_credential_type type);
 *
 * The kernel copies a credential when it is added (the buffer may be reused at once),
 * up to CONFIG_TLS_MAX_CREDENTIALS_NUMBER of at most CONFIG_TLS_CREDENTIAL_MAX_SIZE
 * bytes each. Results: 0, -EEXIST (that tag already has that type), -ENOMEM (the store
 * is full, or the credential too large), -ENOENT (none), -EFBIG (the buffer of _get is
 * too small; *credlen is left as it was), -EINVAL (an unknown type), -EACCES (below).
 *
 * Adding and deleting are for supervisor threads: a user thread's call is an oops.
 * A user thread may read back CA and own certificates and PSK identities; a private
 * key or a PSK gives it -EACCES, whether or not one exists. A PEM credential passed
 * as a C string may include its final NUL, as mbedTLS expects in Zephyr. */
#ifndef ZEPHYR_INCLUDE_NET_TLS_CREDENTIALS_H_
#define ZEPHYR_INCLUDE_NET_TLS_CREDENTIALS_H_

#include <stddef.h>
#include <zephyr/kernel.h>

#ifdef __cplusplus
extern "C" {
#endif

enum tls_credential_type {
	TLS_CREDENTIAL_NONE,
	TLS_CREDENTIAL_CA_CERTIFICATE,      /* a trusted CA: authenticates peers */
	TLS_CREDENTIAL_SERVER_CERTIFICATE,  /* the device's own certificate */
	TLS_CREDENTIAL_PRIVATE_KEY,         /* the key of that certificate */
	TLS_CREDENTIAL_PSK,                 /* a pre-shared key ... */
	TLS_CREDENTIAL_PSK_ID,              /* ... and its identity, under the same tag */
};

/* A security tag: the name a TLS socket's TLS_SEC_TAG_LIST uses. */
typedef int sec_tag_t;

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_NET_TLS_CREDENTIALS_H_ */
