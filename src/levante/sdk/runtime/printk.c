/* printk and friends: format in the caller's context, then one k_str_out per chunk. */
#include <zephyr/kernel.h>
#include <levante/format.h>

#ifdef CONFIG_PRINTK
static void console_sink(void *ctx, const char *chunk, size_t len)
{
	ARG_UNUSED(ctx);
	k_str_out(chunk, len);
}

/* The console's character output: what __printk_get_hook() returns until a hook is
 * installed, so a hook can pass characters on to it. */
static int console_char_out(int character)
{
	char byte = (char)character;

	k_str_out(&byte, 1);
	return character;
}

static int (*printk_char_out)(int) = console_char_out;

/* Zephyr's printk hook: supervisor printk sends each character through `fn`. */
void __printk_hook_install(int (*fn)(int))
{
	printk_char_out = fn;
}

void *__printk_get_hook(void)
{
	return (void *)printk_char_out;
}

static void hook_sink(void *ctx, const char *chunk, size_t len)
{
	ARG_UNUSED(ctx);
	for (size_t i = 0; i < len; i++) {
		(void)printk_char_out((unsigned char)chunk[i]);
	}
}
#endif

void vprintk(const char *fmt, va_list ap)
{
#ifdef CONFIG_PRINTK
	/* A user thread cannot read the hook (kernel data) and, as in Zephyr, its
	 * printk goes straight to the console; so does supervisor printk with no hook. */
	if (k_is_user_context()) {
		(void)lv_vformat(console_sink, NULL, fmt, ap);
		return;
	}
#ifdef CONFIG_PRINTK_SYNC
	/* One printk's chunks go out together: no other thread or callback runs between. */
	unsigned int key = irq_lock();
#endif
	(void)lv_vformat(printk_char_out == console_char_out ? console_sink : hook_sink, NULL,
			 fmt, ap);
#ifdef CONFIG_PRINTK_SYNC
	irq_unlock(key);
#endif
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
