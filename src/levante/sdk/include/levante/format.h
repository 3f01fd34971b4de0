/* Levante printk formatting engine: printf-style formatting into a chunked sink. */
#ifndef LEVANTE_FORMAT_H
#define LEVANTE_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define LV_FORMAT_PRINTF(fmt_idx, first_arg) \
	__attribute__((format(printf, fmt_idx, first_arg)))
#else
#define LV_FORMAT_PRINTF(fmt_idx, first_arg)
#endif

/*
 * A sink receives formatted output in chunks. Chunks are not NUL-terminated,
 * are never empty, and are only valid for the duration of the call.
 */
typedef void (*lv_format_sink_t)(void *ctx, const char *chunk, size_t len);

/*
 * Format fmt with the arguments in ap and pass the result to sink (with ctx)
 * in chunks of at most 32 buffered characters (long strings and literal runs
 * may be passed through in one larger chunk). A NULL sink only counts.
 *
 * Supported: %d %i %u %x %X %o %c %s %p %%, length modifiers hh h l ll z j t,
 * flags - 0 + space #, field width and precision (both also as '*').
 * %s with NULL prints "(null)"; %p prints "0x" plus lowercase hex, or
 * "(nil)" for NULL. Floating point conversions (%f %F %e %E %g %G %a %A)
 * are printed literally and their double argument is consumed; any other
 * unknown conversion is printed literally and consumes nothing.
 *
 * Returns the number of characters emitted (saturated at INT_MAX).
 */
int lv_vformat(lv_format_sink_t sink, void *ctx, const char *fmt, va_list ap)
	LV_FORMAT_PRINTF(3, 0);

/*
 * C99 snprintf semantics: writes at most size-1 characters plus a NUL into
 * buf (buf may be NULL when size is 0) and returns the length the complete
 * output would have had.
 */
int lv_snprintf(char *buf, size_t size, const char *fmt, ...)
	LV_FORMAT_PRINTF(3, 4);

/* As lv_snprintf, taking a va_list. */
int lv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	LV_FORMAT_PRINTF(3, 0);

#ifdef __cplusplus
}
#endif

#endif /* LEVANTE_FORMAT_H */
