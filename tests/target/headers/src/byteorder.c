/* <zephyr/sys/byteorder.h>: swaps, conversions and unaligned reads and writes of known
 * values, in both orders. */
#include <string.h>
#include <zephyr/ztest.h>
#include <zephyr/sys/byteorder.h>

/* Constant expressions, as initialisers need them. */
static const uint32_t swapped = BSWAP_32(0x11223344);
static const uint8_t in_cpu_order[] = sys_uint32_to_array(0x11223344);

ZTEST(headers, test_byteorder_swaps_known_values)
{
	zassert_equal(swapped, 0x44332211);
	zassert_equal(BSWAP_16(0x1234), 0x3412);
	zassert_equal(BSWAP_24(0x123456), 0x563412);
	zassert_equal(BSWAP_48(0x112233445566ULL), 0x665544332211ULL);
	zassert_equal(BSWAP_64(0x0102030405060708ULL), 0x0807060504030201ULL);
	zassert_equal(sys_cpu_to_be16(0xabcd), 0xcdab);
	zassert_equal(sys_be32_to_cpu(0x01020304), 0x04030201);
	zassert_equal(sys_cpu_to_be64(0x1122334455667788ULL), 0x8877665544332211ULL);
	zassert_equal(sys_cpu_to_le32(0x01020304), 0x01020304, "the boards are little-endian");
	zassert_equal(sys_le64_to_cpu(0x1122334455667788ULL), 0x1122334455667788ULL);
	zassert_mem_equal(in_cpu_order, ((uint8_t[]){ 0x44, 0x33, 0x22, 0x11 }), 4);

	uint32_t word = 0x11223344;

	zassert_mem_equal(&word, in_cpu_order, 4);
	BUILD_ASSERT(IS_ENABLED(CONFIG_LITTLE_ENDIAN), "Kconfig says what the CPU does");
}

ZTEST(headers, test_byteorder_reads_and_writes_at_any_alignment)
{
	uint8_t buffer[10];
	uint8_t *odd = &buffer[1];

	sys_put_be16(0x0102, odd);
	zassert_mem_equal(odd, ((uint8_t[]){ 0x01, 0x02 }), 2);
	sys_put_le16(0x0102, odd);
	zassert_mem_equal(odd, ((uint8_t[]){ 0x02, 0x01 }), 2);
	sys_put_be24(0x010203, odd);
	zassert_mem_equal(odd, ((uint8_t[]){ 0x01, 0x02, 0x03 }), 3);
	zassert_equal(sys_get_be24(odd), 0x010203);
	zassert_equal(sys_get_le24(odd), 0x030201);
	sys_put_be32(0xdeadbeef, odd);
	zassert_mem_equal(odd, ((uint8_t[]){ 0xde, 0xad, 0xbe, 0xef }), 4);
	zassert_equal(sys_get_le32(odd), 0xefbeadde);
	sys_put_le32(0xdeadbeef, odd);
	zassert_equal(sys_get_be32(odd), 0xefbeadde);
	sys_put_be48(0x010203040506ULL, odd);
	zassert_mem_equal(odd, ((uint8_t[]){ 1, 2, 3, 4, 5, 6 }), 6);
	zassert_equal(sys_get_be48(odd), 0x010203040506ULL);
	zassert_equal(sys_get_le48(odd), 0x060504030201ULL);
	sys_put_le64(0x0102030405060708ULL, odd);
	zassert_mem_equal(odd, ((uint8_t[]){ 8, 7, 6, 5, 4, 3, 2, 1 }), 8);
	zassert_equal(sys_get_be64(odd), 0x0807060504030201ULL);
	zassert_equal(sys_get_le64(odd), 0x0102030405060708ULL);
	sys_put_be64(0xfedcba9876543210ULL, odd);
	zassert_equal(sys_get_be64(odd), 0xfedcba9876543210ULL);
	zassert_equal(sys_get_be16(odd), 0xfedc);
	zassert_equal(sys_get_le16(odd), 0xdcfe);
	sys_put_le24(0xaabbcc, odd);
	zassert_equal(sys_get_be24(odd), 0xccbbaa);
	sys_put_le48(0x112233445566ULL, odd);
	zassert_equal(sys_get_be48(odd), 0x665544332211ULL);
}

ZTEST(headers, test_byteorder_reverses_buffers)
{
	const uint8_t source[5] = { 1, 2, 3, 4, 5 };
	uint8_t copy[5];
	uint8_t even[4] = { 1, 2, 3, 4 };
	uint8_t odd[5] = { 1, 2, 3, 4, 5 };

	sys_memcpy_swap(copy, source, sizeof(copy));
	zassert_mem_equal(copy, ((uint8_t[]){ 5, 4, 3, 2, 1 }), 5);
	sys_mem_swap(even, sizeof(even));
	zassert_mem_equal(even, ((uint8_t[]){ 4, 3, 2, 1 }), 4);
	sys_mem_swap(odd, sizeof(odd));
	zassert_mem_equal(odd, ((uint8_t[]){ 5, 4, 3, 2, 1 }), 5);
	sys_mem_swap(odd, 1);
	zassert_equal(odd[0], 5, "one byte is its own reverse");
}
