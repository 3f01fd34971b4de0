/* TLS and DTLS socket constants, with Zephyr's values: the secure protocols Zephyr's
 * <zephyr/net/net_ip.h> declares and the SOL_TLS options its <zephyr/net/socket.h>
 * declares. Those two headers include this one, so applications include them as in
 * Zephyr; the values live here once (levante/abi/tls.py says the same to the kernel). */
#ifndef LEVANTE_SOCKET_TLS_H
#define LEVANTE_SOCKET_TLS_H

/* Secure socket protocols: socket(AF_INET, SOCK_STREAM, IPPROTO_TLS_1_2),
 * socket(AF_INET, SOCK_DGRAM, IPPROTO_DTLS_1_2). Levante speaks TLS 1.2 and DTLS 1.2;
 * the 1.0 and 1.1 values exist so that code naming them compiles, and are refused. */
enum net_ip_protocol_secure {
	IPPROTO_TLS_1_0 = 256,
	IPPROTO_TLS_1_1 = 257,
	IPPROTO_TLS_1_2 = 258,
	IPPROTO_DTLS_1_0 = 272,
	IPPROTO_DTLS_1_2 = 273,
};

/* The socket option level of TLS (as Linux's). */
#define SOL_TLS 282

/* SOL_TLS options. */
#define TLS_SEC_TAG_LIST 1                /* sec_tag_t[]: credentials to use */
#define TLS_HOSTNAME 2                    /* char *: SNI, and the name to verify */
#define TLS_CIPHERSUITE_LIST 3            /* int[]: IANA ciphersuite numbers */
#define TLS_CIPHERSUITE_USED 4            /* int, read only: the one negotiated */
#define TLS_PEER_VERIFY 5                 /* int: TLS_PEER_VERIFY_* */
#define TLS_DTLS_ROLE 6                   /* int: TLS_DTLS_ROLE_* */
#define TLS_ALPN_LIST 7                   /* const char *[]: protocols, NULL-ended */
#define TLS_DTLS_HANDSHAKE_TIMEOUT_MIN 8  /* uint32_t ms: first retransmission wait */
#define TLS_DTLS_HANDSHAKE_TIMEOUT_MAX 9  /* uint32_t ms: longest wait, then -ETIMEDOUT */

/* TLS_PEER_VERIFY values; unset: required for clients, none for servers. */
#define TLS_PEER_VERIFY_NONE 0
#define TLS_PEER_VERIFY_OPTIONAL 1
#define TLS_PEER_VERIFY_REQUIRED 2

/* TLS_DTLS_ROLE values; unset: client. */
#define TLS_DTLS_ROLE_CLIENT 0
#define TLS_DTLS_ROLE_SERVER 1

#endif
