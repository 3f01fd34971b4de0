/*
 * Levante printk formatting engine.
 *
 * Freestanding C11: no libc calls, only <stdarg.h>, <stddef.h>, <stdint.h>
 * and <stdbool.h>. Output goes to a sink in chunks through a small internal
 * buffer. 64-bit decimal conversion uses 32-bit divisions only, so no
 * __aeabi_uldivmod is needed on 32-bit ARM.
 */

#include "levante/format.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LV_CHUNK 32U
#define LV_INT_MAX ((unsigned int)(~0U >> 1))

_Static_assert(sizeof(uintmax_t) == sizeof(uint64_t),
	       "lv_format assumes a 64-bit intmax_t");
_Static_assert(sizeof(long long) == sizeof(uint64_t),
	       "lv_format assumes a 64-bit long long");

/* ---- output buffering ------------------------------------------------ */

struct lv_out {
	lv_format_sink_t sink;
	void *ctx;
	size_t count;
	size_t len;
	char buf[LV_CHUNK];
};

static void out_flush(struct lv_out *o)
{
	if (o->len != 0U) {
		if (o->sink != NULL) {
			o->sink(o->ctx, o->buf, o->len);
		}
		o->len = 0U;
	}
}

static void out_char(struct lv_out *o, char c)
{
	o->count++;
	if (o->sink == NULL) {
		return;
	}
	o->buf[o->len++] = c;
	if (o->len == LV_CHUNK) {
		out_flush(o);
	}
}

static void out_write(struct lv_out *o, const char *s, size_t n)
{
	if (n == 0U) {
		return;
	}
	o->count += n;
	if (o->sink == NULL) {
		return;
	}
	if (n >= LV_CHUNK) {
		/* Long runs bypass the buffer: one sink call, no copy. */
		out_flush(o);
		o->sink(o->ctx, s, n);
		return;
	}
	while (n != 0U) {
		o->buf[o->len++] = *s++;
		n--;
		if (o->len == LV_CHUNK) {
			out_flush(o);
		}
	}
}

static void out_pad(struct lv_out *o, char c, unsigned int n)
{
	while (n != 0U) {
		out_char(o, c);
		n--;
	}
}

/* ---- conversion specification --------------------------------------- */

enum lv_len {
	LV_LEN_NONE,
	LV_LEN_HH,
	LV_LEN_H,
	LV_LEN_L,
	LV_LEN_LL,
	LV_LEN_Z,
	LV_LEN_J,
	LV_LEN_T,
	LV_LEN_BIG_L,
};

struct lv_spec {
	bool left;
	bool plus;
	bool space;
	bool alt;
	bool zero;
	bool has_prec;
	unsigned int width;
	unsigned int prec;
	enum lv_len len;
};

#ifdef CONFIG_CBPRINTF_FP_SUPPORT
#include <math.h>
#include <stdio.h>

/*
 * CONFIG_CBPRINTF_FP_SUPPORT: a floating-point conversion, through the C library's
 * (the build links newlib's float printf for it), then padded like any other field.
 * Fixed notation of a huge value would need hundreds of digits: it switches to the
 * exponent form instead of being cut off.
 */
static void emit_padded(struct lv_out *o, const struct lv_spec *sp, const char *s, size_t n);

static void emit_float(struct lv_out *o, const struct lv_spec *sp, char conv, double value)
{
	char spec[16];
	char text[64];
	char *p = spec;

	if ((conv == 'f' || conv == 'F') && isfinite(value) && fabs(value) >= 1e30) {
		conv = (conv == 'f') ? 'e' : 'E';
	}
	*p++ = '%';
	if (sp->plus) {
		*p++ = '+';
	}
	if (sp->space) {
		*p++ = ' ';
	}
	if (sp->alt) {
		*p++ = '#';
	}
	if (sp->has_prec) {
		unsigned int prec = sp->prec > 30U ? 30U : sp->prec;

		p += snprintf(p, (size_t)(spec + sizeof(spec) - 2 - p), ".%u", prec);
	}
	*p++ = conv;
	*p = '\0';
	int n = snprintf(text, sizeof(text), spec, value);

	if (n < 0) {
		return;
	}
	emit_padded(o, sp, text, (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1);
}
#endif

/* ---- integer to text ------------------------------------------------- */

/*
 * Divide *v by d (d < 2^16) in place using only 32-bit divisions and
 * return the remainder. Each partial dividend is (r << 16 | half-word)
 * with r < d, so it fits in 32 bits and each partial quotient < 2^16.
 */
static uint32_t div64_small(uint64_t *v, uint32_t d)
{
	uint32_t hi = (uint32_t)(*v >> 32);
	uint32_t lo = (uint32_t)*v;
	uint32_t q_hi = hi / d;
	uint32_t r = hi % d;
	uint32_t cur = (r << 16) | (lo >> 16);
	uint32_t q_mid = cur / d;

	r = cur % d;
	cur = (r << 16) | (lo & 0xFFFFU);
	uint32_t q_lo = cur / d;

	r = cur % d;
	*v = ((uint64_t)q_hi << 32) | ((uint64_t)q_mid << 16) | q_lo;
	return r;
}

/* Write the digits of v backwards ending at end; return the first digit. */
static char *format_digits(char *end, uint64_t v, unsigned int base,
			   bool upper)
{
	static const char lower_digits[] = "0123456789abcdef";
	static const char upper_digits[] = "0123456789ABCDEF";
	char *p = end;

	if (base == 10U) {
		while (v > UINT32_MAX) {
			uint32_t r = div64_small(&v, 10000U);

			for (unsigned int i = 0U; i < 4U; i++) {
				*--p = (char)('0' + (r % 10U));
				r /= 10U;
			}
		}
		uint32_t w = (uint32_t)v;

		do {
			*--p = (char)('0' + (w % 10U));
			w /= 10U;
		} while (w != 0U);
	} else {
		const char *digits = upper ? upper_digits : lower_digits;
		unsigned int shift = (base == 16U) ? 4U : 3U;
		unsigned int mask = base - 1U;

		do {
			*--p = digits[(unsigned int)v & mask];
			v >>= shift;
		} while (v != 0U);
	}
	return p;
}

/*
 * Emit an integer: sign (0 for none), prefix ("0x"/"0X" or NULL),
 * precision zeros, digits, with field padding.
 */
static void emit_integer(struct lv_out *o, const struct lv_spec *sp,
			 uint64_t mag, char sign, const char *prefix,
			 unsigned int base, bool upper)
{
	char dbuf[24]; /* 22 octal digits cover 64 bits */
	char *end = dbuf + sizeof(dbuf);
	char *p = end;

	if (!(sp->has_prec && sp->prec == 0U && mag == 0U)) {
		p = format_digits(end, mag, base, upper);
	}

	unsigned int ndig = (unsigned int)(end - p);
	unsigned int zeros = 0U;

	if (sp->has_prec && sp->prec > ndig) {
		zeros = sp->prec - ndig;
	}
	if (sp->alt && base == 8U && zeros == 0U &&
	    (ndig == 0U || *p != '0')) {
		/* '#' with %o: the first digit must be a zero. */
		zeros = 1U;
	}

	unsigned int prefix_len = 0U;

	if (prefix != NULL) {
		while (prefix[prefix_len] != '\0') {
			prefix_len++;
		}
	}

	/* zeros can be up to LV_INT_MAX; saturate rather than wrap. */
	unsigned int body = ndig + prefix_len + ((sign != 0) ? 1U : 0U);

	body = (zeros > LV_INT_MAX - body) ? LV_INT_MAX : body + zeros;

	unsigned int pad = (sp->width > body) ? sp->width - body : 0U;
	bool zero_fill = sp->zero && !sp->left && !sp->has_prec;

	if (!sp->left && !zero_fill) {
		out_pad(o, ' ', pad);
	}
	if (sign != 0) {
		out_char(o, sign);
	}
	out_write(o, prefix, prefix_len);
	if (zero_fill) {
		out_pad(o, '0', pad);
	}
	out_pad(o, '0', zeros);
	out_write(o, p, ndig);
	if (sp->left) {
		out_pad(o, ' ', pad);
	}
}

/* Emit n characters of s padded to the field width with spaces. */
static void emit_padded(struct lv_out *o, const struct lv_spec *sp,
			const char *s, size_t n)
{
	unsigned int pad = 0U;

	if (sp->width > n) {
		pad = sp->width - (unsigned int)n;
	}
	if (!sp->left) {
		out_pad(o, ' ', pad);
	}
	out_write(o, s, n);
	if (sp->left) {
		out_pad(o, ' ', pad);
	}
}

/* ---- argument fetching ----------------------------------------------- */

static uint64_t fetch_signed(va_list *ap, enum lv_len len, bool *neg)
{
	int64_t v;

	switch (len) {
	case LV_LEN_HH:
		v = (signed char)va_arg(*ap, int);
		break;
	case LV_LEN_H:
		v = (short)va_arg(*ap, int);
		break;
	case LV_LEN_L:
		v = va_arg(*ap, long);
		break;
	case LV_LEN_LL:
	case LV_LEN_BIG_L:
		v = va_arg(*ap, long long);
		break;
	case LV_LEN_J:
		v = va_arg(*ap, intmax_t);
		break;
	case LV_LEN_T:
		v = va_arg(*ap, ptrdiff_t);
		break;
	case LV_LEN_Z: {
		/* The signed type corresponding to size_t, without relying on
		 * implementation-defined unsigned-to-signed conversion.
		 */
		size_t u = va_arg(*ap, size_t);

		*neg = u > SIZE_MAX / 2U;
		return *neg ? (uint64_t)(SIZE_MAX - u) + 1U : (uint64_t)u;
	}
	case LV_LEN_NONE:
	default:
		v = va_arg(*ap, int);
		break;
	}
	*neg = v < 0;
	return *neg ? 0U - (uint64_t)v : (uint64_t)v;
}

static uint64_t fetch_unsigned(va_list *ap, enum lv_len len)
{
	switch (len) {
	case LV_LEN_HH:
		return (unsigned char)va_arg(*ap, int);
	case LV_LEN_H:
		return (unsigned short)va_arg(*ap, int);
	case LV_LEN_L:
		return va_arg(*ap, unsigned long);
	case LV_LEN_LL:
	case LV_LEN_BIG_L:
		return va_arg(*ap, unsigned long long);
	case LV_LEN_J:
		return va_arg(*ap, uintmax_t);
	case LV_LEN_Z:
		return va_arg(*ap, size_t);
	case LV_LEN_T: {
		/* The unsigned type corresponding to ptrdiff_t. */
		const uint64_t mask = ((uint64_t)PTRDIFF_MAX << 1) | 1U;

		return (uint64_t)va_arg(*ap, ptrdiff_t) & mask;
	}
	case LV_LEN_NONE:
	default:
		return va_arg(*ap, unsigned int);
	}
}

/*
 * CONFIG_CBPRINTF_REDUCED_INTEGRAL keeps Zephyr's 32-bit conversions: a 64-bit
 * argument whose value does not fit 32 bits (signed for %d and %i, unsigned for the
 * others) prints "ERR" instead of digits.
 */
static bool exceeds_reduced_integral(const struct lv_spec *sp, uint64_t mag, bool neg,
				     bool is_signed)
{
#ifdef CONFIG_CBPRINTF_REDUCED_INTEGRAL
	if (sp->len != LV_LEN_LL && sp->len != LV_LEN_J && sp->len != LV_LEN_BIG_L) {
		return false;
	}
	if (!is_signed) {
		return mag > UINT32_MAX;
	}
	return neg ? mag > (uint64_t)INT32_MAX + 1U : mag > (uint64_t)INT32_MAX;
#else
	(void)sp;
	(void)mag;
	(void)neg;
	(void)is_signed;
	return false;
#endif
}

/* ---- parser ---------------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static unsigned int parse_number(const char **fp)
{
	const char *f = *fp;
	unsigned int n = 0U;

	while (is_digit(*f)) {
		unsigned int d = (unsigned int)(*f - '0');

		n = (n > (LV_INT_MAX - d) / 10U) ? LV_INT_MAX : n * 10U + d;
		f++;
	}
	*fp = f;
	return n;
}

/*
 * Handle one conversion starting at start (the '%'); f points just past
 * the '%'. Returns the pointer just past the conversion (or at the
 * terminating NUL if the format ends inside the specification).
 */
static const char *format_one(struct lv_out *o, const char *start,
			      const char *f, va_list *ap)
{
	struct lv_spec sp;

	/* Field by field: an aggregate initializer may become a memset call. */
	sp.left = false;
	sp.plus = false;
	sp.space = false;
	sp.alt = false;
	sp.zero = false;
	sp.has_prec = false;
	sp.width = 0U;
	sp.prec = 0U;
	sp.len = LV_LEN_NONE;

	for (;;) {
		char c = *f;

		if (c == '-') {
			sp.left = true;
		} else if (c == '+') {
			sp.plus = true;
		} else if (c == ' ') {
			sp.space = true;
		} else if (c == '#') {
			sp.alt = true;
		} else if (c == '0') {
			sp.zero = true;
		} else {
			break;
		}
		f++;
	}

	if (*f == '*') {
		int w = va_arg(*ap, int);

		f++;
		if (w < 0) {
			/* A negative '*' width is a '-' flag plus a width. */
			sp.left = true;
			sp.width = (unsigned int)(-(w + 1)) + 1U;
			if (sp.width > LV_INT_MAX) {
				sp.width = LV_INT_MAX;
			}
		} else {
			sp.width = (unsigned int)w;
		}
	} else {
		sp.width = parse_number(&f);
	}

	if (*f == '.') {
		f++;
		sp.has_prec = true;
		if (*f == '*') {
			int pr = va_arg(*ap, int);

			f++;
			if (pr < 0) {
				/* A negative '*' precision is taken as omitted. */
				sp.has_prec = false;
			} else {
				sp.prec = (unsigned int)pr;
			}
		} else {
			sp.prec = parse_number(&f);
		}
	}

	switch (*f) {
	case 'h':
		f++;
		if (*f == 'h') {
			f++;
			sp.len = LV_LEN_HH;
		} else {
			sp.len = LV_LEN_H;
		}
		break;
	case 'l':
		f++;
		if (*f == 'l') {
			f++;
			sp.len = LV_LEN_LL;
		} else {
			sp.len = LV_LEN_L;
		}
		break;
	case 'z':
		f++;
		sp.len = LV_LEN_Z;
		break;
	case 'j':
		f++;
		sp.len = LV_LEN_J;
		break;
	case 't':
		f++;
		sp.len = LV_LEN_T;
		break;
	case 'L':
		f++;
		sp.len = LV_LEN_BIG_L;
		break;
	default:
		break;
	}

	char conv = *f;

	if (conv == '\0') {
		/* Format ended inside a specification: print it as is. */
		out_write(o, start, (size_t)(f - start));
		return f;
	}
	f++;

	switch (conv) {
	case 'd':
	case 'i': {
		bool neg;
		uint64_t mag = fetch_signed(ap, sp.len, &neg);
		char sign = neg ? '-' : (sp.plus ? '+' : (sp.space ? ' ' : 0));

		if (exceeds_reduced_integral(&sp, mag, neg, true)) {
			emit_padded(o, &sp, "ERR", 3U);
			break;
		}
		emit_integer(o, &sp, mag, sign, NULL, 10U, false);
		break;
	}
	case 'u':
	case 'o': {
		uint64_t v = fetch_unsigned(ap, sp.len);

		if (exceeds_reduced_integral(&sp, v, false, false)) {
			emit_padded(o, &sp, "ERR", 3U);
			break;
		}
		emit_integer(o, &sp, v, 0, NULL, (conv == 'u') ? 10U : 8U, false);
		break;
	}
	case 'x':
	case 'X': {
		uint64_t v = fetch_unsigned(ap, sp.len);
		bool upper = (conv == 'X');
		const char *prefix = NULL;

		if (exceeds_reduced_integral(&sp, v, false, false)) {
			emit_padded(o, &sp, "ERR", 3U);
			break;
		}
		if (sp.alt && v != 0U) {
			prefix = upper ? "0X" : "0x";
		}
		emit_integer(o, &sp, v, 0, prefix, 16U, upper);
		break;
	}
	case 'p': {
		uintptr_t v = (uintptr_t)va_arg(*ap, void *);

		if (v == 0U) {
			emit_padded(o, &sp, "(nil)", 5U);
		} else {
			emit_integer(o, &sp, (uint64_t)v, 0, "0x", 16U, false);
		}
		break;
	}
	case 'c':
		if (sp.len != LV_LEN_NONE) {
			/* Wide characters are not supported. */
			(void)va_arg(*ap, int);
			out_write(o, start, (size_t)(f - start));
		} else {
			char ch = (char)(unsigned char)va_arg(*ap, int);

			emit_padded(o, &sp, &ch, 1U);
		}
		break;
	case 's': {
		const char *s = va_arg(*ap, const char *);

		if (sp.len != LV_LEN_NONE) {
			/* Wide strings are not supported. */
			out_write(o, start, (size_t)(f - start));
			break;
		}
		if (s == NULL) {
			s = "(null)";
		}
		size_t n = 0U;

		/* Never read past the precision: s need not be terminated. */
		while ((!sp.has_prec || n < sp.prec) && s[n] != '\0') {
			n++;
		}
		emit_padded(o, &sp, s, n);
		break;
	}
	case '%':
		out_char(o, '%');
		break;
	case 'f':
	case 'F':
	case 'e':
	case 'E':
	case 'g':
	case 'G':
	case 'a':
	case 'A':
#ifdef CONFIG_CBPRINTF_FP_SUPPORT
		if (sp.len != LV_LEN_BIG_L) {
			emit_float(o, &sp, f[-1], va_arg(*ap, double));
			break;
		}
#endif
		/* No floating point: consume the argument, print literally. */
		if (sp.len == LV_LEN_BIG_L) {
			(void)va_arg(*ap, long double);
		} else {
			(void)va_arg(*ap, double);
		}
		out_write(o, start, (size_t)(f - start));
		break;
	case 'n':
		/* Never written to; consume the pointer to keep alignment. */
		(void)va_arg(*ap, void *);
		out_write(o, start, (size_t)(f - start));
		break;
	default:
		/* Unknown conversion: print literally, consume nothing. */
		out_write(o, start, (size_t)(f - start));
		break;
	}
	return f;
}

/* ---- public API ------------------------------------------------------ */

int lv_vformat(lv_format_sink_t sink, void *ctx, const char *fmt, va_list ap)
{
	struct lv_out o;
	va_list args;

	o.sink = sink;
	o.ctx = ctx;
	o.count = 0U;
	o.len = 0U;

	/* Work on a copy so it can be passed by pointer portably. */
	va_copy(args, ap);
	while (*fmt != '\0') {
		if (*fmt != '%') {
			const char *run = fmt;

			while (*fmt != '\0' && *fmt != '%') {
				fmt++;
			}
			out_write(&o, run, (size_t)(fmt - run));
			continue;
		}
		fmt = format_one(&o, fmt, fmt + 1, &args);
	}
	va_end(args);
	out_flush(&o);

	return (o.count > LV_INT_MAX) ? (int)LV_INT_MAX : (int)o.count;
}

struct lv_str_ctx {
	char *buf;
	size_t cap; /* characters that fit, excluding the NUL */
	size_t pos;
};

static void str_sink(void *ctx, const char *chunk, size_t len)
{
	struct lv_str_ctx *c = ctx;
	size_t room = c->cap - c->pos;

	if (len > room) {
		len = room;
	}
	for (size_t i = 0U; i < len; i++) {
		c->buf[c->pos + i] = chunk[i];
	}
	c->pos += len;
}

int lv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	if (size == 0U) {
		return lv_vformat(NULL, NULL, fmt, ap);
	}

	struct lv_str_ctx c = {.buf = buf, .cap = size - 1U, .pos = 0U};
	int r = lv_vformat(str_sink, &c, fmt, ap);

	buf[c.pos] = '\0';
	return r;
}

int lv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = lv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}
