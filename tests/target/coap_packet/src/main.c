/* CoAP packets (<zephyr/net/coap.h>): what C builds, what the kernel's codec accepts and
 * refuses when coap_packet_parse hands it received bytes (the CVE-2020-10063 option
 * overflow class, truncations, reserved values, malformed Block options), what the
 * readers find through the option index, the block-wise helpers, and the user rules
 * (a user thread parses its own bytes; kernel memory as the index faults it). */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/coap.h>
#include <zephyr/ztest.h>

static uint8_t kernel_only[256]; /* kernel memory: no user thread's */

static const uint8_t token[4] = { 0xde, 0xad, 0xbe, 0xef };

/* A CON GET /sensors/temp?unit=c with Block2 (NUM 3, SZX 2) and a payload. */
static int build_request(struct coap_packet *cpkt, uint8_t *buffer, uint16_t size)
{
	int ret = coap_packet_init(cpkt, buffer, size, COAP_VERSION_1, COAP_TYPE_CON,
				   sizeof(token), token, COAP_METHOD_GET, 0x1234);

	ret = ret ?: coap_packet_set_path(cpkt, "/sensors/temp?unit=c");
	ret = ret ?: coap_append_option_int(cpkt, COAP_OPTION_BLOCK2, (3U << 4) | 2U);
	ret = ret ?: coap_packet_append_payload_marker(cpkt);
	ret = ret ?: coap_packet_append_payload(cpkt, (const uint8_t *)"hello", 5);
	return ret;
}

ZTEST(coap_packet, test_build_then_parse)
{
	uint8_t buffer[96], received[96];
	struct coap_packet built, parsed;
	struct coap_option options[8], found[4];
	uint8_t got_token[8];
	uint16_t length;

	zassert_ok(build_request(&built, buffer, sizeof(buffer)));
	memcpy(received, buffer, built.offset);
	zassert_ok(coap_packet_parse(&parsed, received, built.offset, options, 8));
	zassert_equal(coap_header_get_version(&parsed), 1);
	zassert_equal(coap_header_get_type(&parsed), COAP_TYPE_CON);
	zassert_equal(coap_header_get_code(&parsed), COAP_METHOD_GET);
	zassert_equal(coap_header_get_id(&parsed), 0x1234);
	zassert_equal(coap_header_get_token(&parsed, got_token), 4);
	zassert_mem_equal(got_token, token, 4);
	zassert_true(coap_packet_is_request(&parsed));
	zassert_equal(coap_find_options(&parsed, COAP_OPTION_URI_PATH, found, 4), 2);
	zassert_equal(found[1].len, 4);
	zassert_mem_equal(found[1].value, "temp", 4);
	zassert_equal(coap_find_options(&parsed, COAP_OPTION_URI_QUERY, found, 4), 1);
	zassert_mem_equal(found[0].value, "unit=c", 6);
	zassert_equal(coap_get_option_int(&parsed, COAP_OPTION_CONTENT_FORMAT), -ENOENT);
	const uint8_t *payload = coap_packet_get_payload(&parsed, &length);

	zassert_equal(length, 5);
	zassert_mem_equal(payload, "hello", 5);
	static const char *const path[] = { "sensors", "temp", NULL };
	static const char *const other[] = { "sensors", NULL };

	zassert_true(coap_uri_path_match(path, options, 8));
	zassert_false(coap_uri_path_match(other, options, 8));
	bool more;
	uint32_t number;

	zassert_equal(coap_get_block2_option(&parsed, &more, &number), 64);
	zassert_false(more);
	zassert_equal(number, 3);
	/* The builder's own index reads the same. */
	zassert_equal(coap_find_options(&built, COAP_OPTION_URI_PATH, found, 4), 2);
	zassert_equal(coap_get_option_int(&built, COAP_OPTION_BLOCK2), 0x32);
}

ZTEST(coap_packet, test_the_builder_keeps_its_bounds)
{
	uint8_t small[8];
	struct coap_packet cpkt;

	zassert_equal(coap_packet_init(&cpkt, small, 4, COAP_VERSION_1, COAP_TYPE_CON, 4, token,
				       COAP_METHOD_GET, 1), -EINVAL);
	zassert_equal(coap_packet_init(&cpkt, small, sizeof(small), 2, COAP_TYPE_CON, 0, NULL,
				       COAP_METHOD_GET, 1), -EINVAL);
	zassert_ok(coap_packet_init(&cpkt, small, sizeof(small), COAP_VERSION_1, COAP_TYPE_CON,
				    0, NULL, COAP_METHOD_GET, 1));
	zassert_ok(coap_append_option_int(&cpkt, COAP_OPTION_CONTENT_FORMAT, 0));
	/* Options in order of number; nothing past the end of the buffer. */
	zassert_equal(coap_append_option_int(&cpkt, COAP_OPTION_URI_PATH, 1), -EINVAL);
	zassert_equal(coap_packet_append_option(&cpkt, COAP_OPTION_URI_QUERY,
						(const uint8_t *)"abcdef", 6), -EINVAL);
	zassert_ok(coap_packet_append_payload_marker(&cpkt));
	zassert_equal(coap_append_option_int(&cpkt, COAP_OPTION_MAX_AGE, 1), -EINVAL);
	zassert_equal(coap_packet_append_payload(&cpkt, (const uint8_t *)"toolong", 7), -EINVAL);
	zassert_ok(coap_packet_append_payload(&cpkt, (const uint8_t *)"ok", 2));
	zassert_equal(cpkt.offset, 8);
	/* An option with a two-byte extended delta and length (RFC 7252 §3.1). */
	static uint8_t big[400];
	static uint8_t value[300];

	memset(value, 'v', sizeof(value));
	zassert_ok(coap_packet_init(&cpkt, big, sizeof(big), COAP_VERSION_1, COAP_TYPE_NON_CON,
				    0, NULL, COAP_METHOD_PUT, 2));
	zassert_ok(coap_packet_append_option(&cpkt, 2000, value, sizeof(value)));
	struct coap_packet parsed;

	zassert_ok(coap_packet_parse(&parsed, big, cpkt.offset, NULL, 0));
	zassert_equal(parsed.index.count, 1);
	zassert_equal(parsed.index.options[0].number, 2000);
	zassert_equal(parsed.index.options[0].len, 300);
	/* Longer than a struct coap_option holds: refused, never copied past its end. */
	struct coap_option found[1];

	zassert_equal(coap_find_options(&parsed, 2000, found, 1), -EINVAL);
}

/* Hostile datagrams: each is refused with the errno coap_packet_parse documents. */
ZTEST(coap_packet, test_hostile_bytes_are_refused)
{
	struct coap_packet cpkt;
	/* CVE-2020-10063's class: deltas that sum past 65535 (14: two extension bytes). */
	uint8_t wrap[] = { 0x40, 0x01, 0x00, 0x01, 0xe0, 0xfe, 0xf0, 0xe0, 0xfe, 0xf0, 0x00 };
	/* An option claiming more bytes than the datagram has. */
	uint8_t too_long[] = { 0x40, 0x01, 0x00, 0x02, 0xbd, 0xf0, 'a', 'b' };
	/* Version 2; a reserved token length of 9. */
	uint8_t version[] = { 0x80, 0x01, 0x00, 0x03 };
	uint8_t token_9[] = { 0x49, 0x01, 0x00, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	/* A payload marker with nothing after it; a delta nibble of 15. */
	uint8_t marker[] = { 0x40, 0x01, 0x00, 0x05, 0xff };
	uint8_t nibble[] = { 0x40, 0x01, 0x00, 0x06, 0xf0 };
	/* Block2 with the reserved SZX 7; Block1 four bytes long. */
	uint8_t szx7[] = { 0x41, 0x01, 0x00, 0x07, 0x77, 0xd1, 0x0a, 0x17 };
	uint8_t block1_long[] = { 0x40, 0x02, 0x00, 0x08, 0xd4, 0x0e, 1, 2, 3, 4 };

	zassert_equal(coap_packet_parse(&cpkt, wrap, sizeof(wrap), NULL, 0), -EILSEQ);
	zassert_equal(coap_packet_parse(&cpkt, too_long, sizeof(too_long), NULL, 0), -EILSEQ);
	zassert_equal(coap_packet_parse(&cpkt, version, sizeof(version), NULL, 0), -EBADMSG);
	zassert_equal(coap_packet_parse(&cpkt, token_9, sizeof(token_9), NULL, 0), -EBADMSG);
	zassert_equal(coap_packet_parse(&cpkt, marker, sizeof(marker), NULL, 0), -EILSEQ);
	zassert_equal(coap_packet_parse(&cpkt, nibble, sizeof(nibble), NULL, 0), -EILSEQ);
	zassert_equal(coap_packet_parse(&cpkt, version, 3, NULL, 0), -EINVAL);
	zassert_equal(coap_packet_parse(&cpkt, szx7, sizeof(szx7), NULL, 0), -EILSEQ);
	/* Refused, yet its header is indexed (a server answers 4.02), its options not. */
	zassert_equal(coap_header_get_id(&cpkt), 7);
	zassert_equal(coap_header_get_token(&cpkt, NULL), 1);
	zassert_equal(coap_get_option_int(&cpkt, COAP_OPTION_BLOCK2), -ENOENT);
	zassert_equal(coap_packet_parse(&cpkt, block1_long, sizeof(block1_long), NULL, 0),
		      -EILSEQ);
	/* More options than the index holds. */
	uint8_t many[4 + 17];

	many[0] = 0x40, many[1] = 0x01, many[2] = 0, many[3] = 9;
	for (int i = 0; i < 17; i++) {
		many[4 + i] = 0x00; /* option 0 again (delta 0), empty */
	}
	zassert_equal(coap_packet_parse(&cpkt, many, sizeof(many), NULL, 0), -E2BIG);
}

/* Block2 download as a client sees it: three responses of 16 bytes, then the end. */
ZTEST(coap_packet, test_block_wise_helpers)
{
	struct coap_block_context ctx;
	uint8_t buffer[64], body[16];
	struct coap_packet response, request, parsed;

	memset(body, 'b', sizeof(body));
	zassert_ok(coap_block_transfer_init(&ctx, COAP_BLOCK_16, 0));
	for (uint32_t number = 0; number < 3; number++) {
		struct coap_block_context server;

		zassert_ok(coap_block_transfer_init(&server, COAP_BLOCK_16, 40));
		server.current = number * 16;
		zassert_ok(coap_packet_init(&response, buffer, sizeof(buffer), COAP_VERSION_1,
					    COAP_TYPE_ACK, 0, NULL, COAP_RESPONSE_CODE_CONTENT, 1));
		zassert_ok(coap_append_block2_option(&response, &server));
		zassert_ok(coap_append_size2_option(&response, &server));
		zassert_ok(coap_packet_append_payload_marker(&response));
		zassert_ok(coap_packet_append_payload(&response, body, number < 2 ? 16 : 8));
		zassert_ok(coap_packet_parse(&parsed, buffer, response.offset, NULL, 0));
		zassert_ok(coap_update_from_block(&parsed, &ctx));
		zassert_equal(ctx.total_size, 40);
		size_t next = coap_next_block(&parsed, &ctx);

		zassert_equal(next, number < 2 ? (number + 1) * 16 : 0, "block %u", number);
		zassert_equal(coap_block_has_more(&parsed), number < 2);
	}
	/* Requests for blocks of a body, as a server reads them: the first asks for a
	 * smaller size (RFC 7959 §2.4), a later one must keep it. */
	zassert_ok(coap_block_transfer_init(&ctx, COAP_BLOCK_64, 100));
	for (uint32_t number = 0; number < 3; number++) {
		uint32_t szx = number < 2 ? 0U : 1U;

		zassert_ok(coap_packet_init(&request, buffer, sizeof(buffer), COAP_VERSION_1,
					    COAP_TYPE_CON, 0, NULL, COAP_METHOD_GET, 2));
		zassert_ok(coap_append_option_int(&request, COAP_OPTION_BLOCK2,
						  (number << 4) | szx));
		zassert_ok(coap_packet_parse(&parsed, buffer, request.offset, NULL, 0));
		if (number < 2) {
			zassert_ok(coap_update_from_block(&parsed, &ctx));
			zassert_equal(ctx.current, number * 16);
			zassert_equal(ctx.block_size, COAP_BLOCK_16);
		} else {
			zassert_equal(coap_update_from_block(&parsed, &ctx), -EINVAL);
		}
	}
	/* A Block2 request with M set is not a block request (RFC 7959 §2.2). */
	zassert_ok(coap_packet_init(&request, buffer, sizeof(buffer), COAP_VERSION_1,
				    COAP_TYPE_CON, 0, NULL, COAP_METHOD_GET, 3));
	zassert_ok(coap_append_option_int(&request, COAP_OPTION_BLOCK2, (1U << 4) | 0x08U));
	zassert_ok(coap_packet_parse(&parsed, buffer, request.offset, NULL, 0));
	zassert_equal(coap_update_from_block(&parsed, &ctx), -EINVAL);
}

ZTEST_USER(coap_packet, test_user_parses_its_own_bytes)
{
	uint8_t buffer[96];
	struct coap_packet built, parsed;

	zassert_ok(build_request(&built, buffer, sizeof(buffer)));
	zassert_ok(coap_packet_parse(&parsed, buffer, built.offset, NULL, 0));
	zassert_equal(coap_get_option_int(&parsed, COAP_OPTION_BLOCK2), 0x32);
	uint8_t szx7[] = { 0x40, 0x01, 0x00, 0x07, 0xd1, 0x0a, 0x07 };

	zassert_equal(coap_packet_parse(&parsed, szx7, sizeof(szx7), NULL, 0), -EILSEQ);
}

ZTEST_USER(coap_packet, test_user_kernel_memory_as_bytes_faults)
{
	struct coap_parsed index;

	ztest_set_fault_valid(true);
	(void)z_levante_coap_parse(kernel_only, 16, &index);
	ztest_test_fail();
}

ZTEST_USER(coap_packet, test_user_kernel_memory_as_index_faults)
{
	uint8_t bytes[] = { 0x40, 0x01, 0x00, 0x01 };

	ztest_set_fault_valid(true);
	(void)z_levante_coap_parse(bytes, sizeof(bytes), (struct coap_parsed *)kernel_only);
	ztest_test_fail();
}

ZTEST_SUITE(coap_packet, NULL, NULL, NULL, NULL, NULL);
