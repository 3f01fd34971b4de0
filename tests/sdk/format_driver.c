/*
 * Host test driver for src/levante/sdk/runtime/format.c.
 *
 * tests/sdk/test_format_host.py generates format_cases.inc (a list of
 * CASE/SNP macro invocations) next to this file's build, compiles both with
 * format.c and parses the lines printed here:
 *
 *   case <id> <snprintf ret> <vformat ret> <count-only ret> <calls>
 *        <max chunk> <empty chunks> <snprintf hex> <vformat hex>
 *   snp <id> <ret> <hex of the whole 64-byte buffer>
 *
 * Hex fields are "-" when empty.
 */
#include "levante/format.h"

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define OUT_MAX 4096
#define SNP_BUF 64

struct capture {
	char buf[OUT_MAX];
	size_t len;
	unsigned int calls;
	size_t max_chunk;
	unsigned int empty_chunks;
};

static struct capture cap;
static char out_buf[OUT_MAX];

/* Not NUL-terminated on purpose: %.Ns must not read past N chars. */
static const char unterminated[4] = {'w', 'x', 'y', 'z'};

static void capture_sink(void *ctx, const char *chunk, size_t len)
{
	struct capture *c = ctx;

	c->calls++;
	if (len == 0) {
		c->empty_chunks++;
	}
	if (len > c->max_chunk) {
		c->max_chunk = len;
	}
	if (c->len + len <= sizeof(c->buf)) {
		memcpy(c->buf + c->len, chunk, len);
	}
	c->len += len;
}

static int via_sink(const char *fmt, ...)
{
	va_list ap;
	int r;

	memset(&cap, 0, sizeof(cap));
	va_start(ap, fmt);
	r = lv_vformat(capture_sink, &cap, fmt, ap);
	va_end(ap);
	return r;
}

static int count_only(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = lv_vformat(NULL, NULL, fmt, ap);
	va_end(ap);
	return r;
}

static void put_hex(const char *s, size_t n)
{
	putchar(' ');
	if (n == 0) {
		putchar('-');
	}
	for (size_t i = 0; i < n; i++) {
		printf("%02x", (unsigned int)(unsigned char)s[i]);
	}
}

static void report_case(int id, const char *out, int r_snp, int r_sink,
			int r_count)
{
	size_t n = (r_snp < 0) ? 0 : (size_t)r_snp;

	if (n > OUT_MAX - 1) {
		n = OUT_MAX - 1;
	}
	printf("case %d %d %d %d %u %zu %u", id, r_snp, r_sink, r_count,
	       cap.calls, cap.max_chunk, cap.empty_chunks);
	put_hex(out, n);
	put_hex(cap.buf, cap.len > OUT_MAX ? OUT_MAX : cap.len);
	putchar('\n');
}

static void report_snp(int id, const char *buf, int r)
{
	printf("snp %d %d", id, r);
	put_hex(buf, SNP_BUF);
	putchar('\n');
}

/* Format through lv_snprintf, lv_vformat and the count-only path. */
#define CASE_ARGS(id, fmt, ...)                                         \
	do {                                                            \
		int r_snp_ = lv_snprintf(out_buf, sizeof(out_buf), fmt, \
					 __VA_ARGS__);                  \
		int r_count_ = count_only(fmt, __VA_ARGS__);            \
		int r_sink_ = via_sink(fmt, __VA_ARGS__);               \
		report_case(id, out_buf, r_snp_, r_sink_, r_count_);    \
	} while (0)

#define CASE_NOARGS(id, fmt)                                            \
	do {                                                            \
		int r_snp_ = lv_snprintf(out_buf, sizeof(out_buf), fmt); \
		int r_count_ = count_only(fmt);                         \
		int r_sink_ = via_sink(fmt);                            \
		report_case(id, out_buf, r_snp_, r_sink_, r_count_);    \
	} while (0)

/* lv_snprintf into a 64-byte buffer pre-filled with 'X', given size. */
#define SNP_ARGS(id, size, fmt, ...)                                    \
	do {                                                            \
		char buf_[SNP_BUF];                                     \
		memset(buf_, 'X', sizeof(buf_));                        \
		report_snp(id, buf_,                                    \
			   lv_snprintf(buf_, (size), fmt, __VA_ARGS__)); \
	} while (0)

/* lv_snprintf(NULL, 0, ...): only the would-be length is returned. */
#define SNP_NULL_ARGS(id, fmt, ...)                                     \
	do {                                                            \
		char buf_[SNP_BUF];                                     \
		memset(buf_, 'X', sizeof(buf_));                        \
		report_snp(id, buf_,                                    \
			   lv_snprintf(NULL, 0, fmt, __VA_ARGS__));     \
	} while (0)

int main(void)
{
#include "format_cases.inc"
	(void)unterminated;
	return 0;
}
