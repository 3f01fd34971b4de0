/*
 * <mbedtls/ssl_ciphersuites.h> as Zephyr applications include it: the configuration
 * macros of the kernel's mbedTLS for this image (mbedtls/build_info.h), without the
 * ciphersuite functions, which are the kernel's.
 */
#ifndef MBEDTLS_SSL_CIPHERSUITES_H
#define MBEDTLS_SSL_CIPHERSUITES_H

#include <mbedtls/build_info.h>

#endif /* MBEDTLS_SSL_CIPHERSUITES_H */
