/* printk and friends: format in the caller's context, then one k_str_out per chunk. */
#include <zephyr/kernel.h>
#include <levante/format.h>

#ifdef CONFIG_PRINTK
static void console_sink(void *ctx, const char *chunk, size_t len)
{
	ARG_UNUSED(ctx);
	k_str_out(chunk, len);
}
#endif

void vprintk(const char *fmt, va_list ap)
{
#ifdef CONFIG_PRINTK
	(void)lv_vformat(console_sink, NULL, fmt, ap);
#else
	ARG_UNUSED(fmt);
	ARG_UNUSED(ap);
#endif
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

int vsnprintk(char *str, size_t size, const char *fmt, va_list ap)
{
	return lv_vsnprintf(str, size, fmt, ap);
}

int snprintk(char *str, size_t size, const char *fmt, ...)
{
	va_list ap;
	int length;

	va_start(ap, fmt);
	length = lv_vsnprintf(str, size, fmt, ap);
	va_end(ap);
	return length;
}
