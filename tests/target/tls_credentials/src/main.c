/* TLS credentials: Zephyr's results (add, get, delete), the store's bounds, the copy
 * the kernel keeps, and the user rules: no adding or deleting, no reading secrets, and
 * hostile buffers fault only the caller. */
#include <string.h>
#include <zephyr/ztest.h>
#include <zephyr/net/tls_credentials.h>
#include <levante/socket_tls.h>

/* The socket constants compile, with Zephyr's values. */
BUILD_ASSERT(SOL_TLS == 282 && TLS_SEC_TAG_LIST == 1 && IPPROTO_DTLS_1_2 == 273);

#define CA_TAG 10
#define DEVICE_TAG 20
#define LIMIT 64 /* CONFIG_TLS_CREDENTIAL_MAX_SIZE */

static const char ca_pem[] = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";
static const char psk_id[] = "device-7";
static const unsigned char psk[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static const char key_pem[] = "-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n";
static char scratch[LIMIT + 1];

static ZTEST_BMEM char user_buffer[LIMIT];
static ZTEST_BMEM size_t user_length;

static void clear_store(void)
{
	for (int tag = 0; tag < 40; tag++) {
		for (int type = TLS_CREDENTIAL_CA_CERTIFICATE; type <= TLS_CREDENTIAL_PSK_ID;
		     type++) {
			(void)tls_credential_delete(tag, type);
		}
	}
}

static void provision(void)
{
	clear_store();
	zassert_equal(tls_credential_add(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE, ca_pem,
					 sizeof(ca_pem)), 0);
	zassert_equal(tls_credential_add(DEVICE_TAG, TLS_CREDENTIAL_PSK, psk, sizeof(psk)), 0);
	zassert_equal(tls_credential_add(DEVICE_TAG, TLS_CREDENTIAL_PSK_ID, psk_id,
					 strlen(psk_id)), 0);
	zassert_equal(tls_credential_add(DEVICE_TAG, TLS_CREDENTIAL_PRIVATE_KEY, key_pem,
					 sizeof(key_pem) > LIMIT ? LIMIT : sizeof(key_pem)), 0);
}

static void before_each(void *fixture)
{
	ARG_UNUSED(fixture);
	provision();
}

ZTEST(tls_credentials, test_get_returns_what_was_added)
{
	char buffer[LIMIT];
	size_t length = sizeof(buffer);

	zassert_equal(tls_credential_get(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE, buffer,
					 &length), 0);
	zassert_equal(length, sizeof(ca_pem));
	zassert_mem_equal(buffer, ca_pem, sizeof(ca_pem));
	/* A supervisor thread reads secrets too, as in Zephyr. */
	length = sizeof(buffer);
	zassert_equal(tls_credential_get(DEVICE_TAG, TLS_CREDENTIAL_PSK, buffer, &length), 0);
	zassert_equal(length, sizeof(psk));
	zassert_mem_equal(buffer, psk, sizeof(psk));
}

ZTEST(tls_credentials, test_zephyrs_errors)
{
	char buffer[8];
	size_t length = sizeof(buffer);

	zassert_equal(tls_credential_add(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE, ca_pem, 4),
		      -EEXIST);
	/* Four entries: the store is full. */
	zassert_equal(tls_credential_add(30, TLS_CREDENTIAL_CA_CERTIFICATE, ca_pem, 4), -ENOMEM);
	zassert_equal(tls_credential_get(30, TLS_CREDENTIAL_CA_CERTIFICATE, buffer, &length),
		      -ENOENT);
	/* Too small a buffer: -EFBIG, the length left as it was. */
	zassert_equal(tls_credential_get(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE, buffer, &length),
		      -EFBIG);
	zassert_equal(length, sizeof(buffer));
	zassert_equal(tls_credential_delete(30, TLS_CREDENTIAL_PSK), -ENOENT);
	zassert_equal(tls_credential_delete(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE), 0);
	zassert_equal(tls_credential_delete(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE), -ENOENT);
	/* Room again, but not for more than CONFIG_TLS_CREDENTIAL_MAX_SIZE bytes. */
	zassert_equal(tls_credential_add(30, TLS_CREDENTIAL_CA_CERTIFICATE, scratch, LIMIT + 1),
		      -ENOMEM);
	zassert_equal(tls_credential_add(30, TLS_CREDENTIAL_CA_CERTIFICATE, scratch, LIMIT), 0);
	/* Types outside the enum. */
	zassert_equal(tls_credential_add(31, TLS_CREDENTIAL_NONE, ca_pem, 4), -EINVAL);
	zassert_equal(tls_credential_get(31, 99, buffer, &length), -EINVAL);
	zassert_equal(tls_credential_delete(31, -1), -EINVAL);
}

ZTEST(tls_credentials, test_the_kernel_keeps_its_own_copy)
{
	char buffer[LIMIT];
	size_t length = sizeof(buffer);

	memset(scratch, 'a', 16);
	zassert_equal(tls_credential_delete(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE), 0);
	zassert_equal(tls_credential_add(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE, scratch, 16), 0);
	memset(scratch, 'b', 16); /* the caller's buffer changes; the credential does not */
	zassert_equal(tls_credential_get(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE, buffer,
					 &length), 0);
	zassert_equal(length, 16);
	zassert_equal(buffer[0], 'a');
	zassert_equal(buffer[15], 'a');
}

ZTEST(tls_credentials, test_a_supervisor_get_into_flash_faults)
{
	size_t length = LIMIT;

	ztest_set_fault_valid(true);
	(void)tls_credential_get(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE, (void *)ca_pem,
				 &length);
	ztest_test_fail();
}

/* ---- user mode ---------------------------------------------------------------------- */

ZTEST_USER(tls_credentials, test_user_reads_public_credentials)
{
	user_length = sizeof(user_buffer);
	zassert_equal(tls_credential_get(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE, user_buffer,
					 &user_length), 0);
	zassert_equal(user_length, sizeof(ca_pem));
	zassert_mem_equal(user_buffer, ca_pem, sizeof(ca_pem));
	user_length = sizeof(user_buffer);
	zassert_equal(tls_credential_get(DEVICE_TAG, TLS_CREDENTIAL_PSK_ID, user_buffer,
					 &user_length), 0);
	zassert_equal(user_length, strlen(psk_id));
	user_length = sizeof(user_buffer);
	zassert_equal(tls_credential_get(CA_TAG, TLS_CREDENTIAL_PSK_ID, user_buffer,
					 &user_length), -ENOENT);
}

ZTEST_USER(tls_credentials, test_user_never_reads_secrets)
{
	memset(user_buffer, 0, sizeof(user_buffer));
	user_length = sizeof(user_buffer);
	zassert_equal(tls_credential_get(DEVICE_TAG, TLS_CREDENTIAL_PRIVATE_KEY, user_buffer,
					 &user_length), -EACCES);
	zassert_equal(tls_credential_get(DEVICE_TAG, TLS_CREDENTIAL_PSK, user_buffer,
					 &user_length), -EACCES);
	/* Absent secrets answer the same: nothing to probe. */
	zassert_equal(tls_credential_get(39, TLS_CREDENTIAL_PRIVATE_KEY, user_buffer,
					 &user_length), -EACCES);
	zassert_equal(user_length, sizeof(user_buffer));
	zassert_equal(user_buffer[0], 0);
}

ZTEST_USER(tls_credentials, test_user_cannot_add)
{
	ztest_set_fault_valid(true);
	(void)tls_credential_add(33, TLS_CREDENTIAL_CA_CERTIFICATE, user_buffer, 4);
	ztest_test_fail();
}

ZTEST_USER(tls_credentials, test_user_cannot_delete)
{
	ztest_set_fault_valid(true);
	(void)tls_credential_delete(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE);
	ztest_test_fail();
}

ZTEST_USER(tls_credentials, test_user_length_in_kernel_memory_faults)
{
	ztest_set_fault_valid(true);
	(void)tls_credential_get(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE, user_buffer,
				 (size_t *)&scratch[0]);
	ztest_test_fail();
}

ZTEST_USER(tls_credentials, test_user_buffer_not_its_own_faults)
{
	ztest_set_fault_valid(true);
	user_length = sizeof(user_buffer);
	(void)tls_credential_get(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE, scratch, &user_length);
	ztest_test_fail();
}

ZTEST_USER(tls_credentials, test_user_buffer_wrapping_the_address_space_faults)
{
	ztest_set_fault_valid(true);
	user_length = 0xffffffffu;
	(void)tls_credential_get(CA_TAG, TLS_CREDENTIAL_CA_CERTIFICATE,
				 (void *)0xfffffff0u, &user_length);
	ztest_test_fail();
}

ZTEST_SUITE(tls_credentials, NULL, NULL, before_each, NULL, NULL);
