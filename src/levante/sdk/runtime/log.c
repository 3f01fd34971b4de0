/* CONFIG_LOG: one "[hh:mm:ss.mmm] <level> module: text" line per message, or Zephyr's
 * minimal "L: text" with CONFIG_LOG_MODE_MINIMAL; hexdumps in the matching layout. */
#include <ctype.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>

#ifdef CONFIG_LOG
static const char *const level_names[] = {"none", "err", "wrn", "inf", "dbg"};
static const char level_letters[] = "?EWID";

/* Prints the line's opening and returns how many columns it took. */
static int log_prefix(int level, const char *module)
{
	if (level < LOG_LEVEL_ERR || level > LOG_LEVEL_DBG) {
		level = LOG_LEVEL_ERR;
	}
	if (IS_ENABLED(CONFIG_LOG_MODE_MINIMAL)) {
		printk("%c: ", level_letters[level]);
		return 3;
	}
	uint32_t ms = k_uptime_get_32();
	char prefix[64];
	int width = snprintk(prefix, sizeof(prefix), "[%02u:%02u:%02u.%03u] <%s> %s: ",
			     ms / 3600000u, ms / 60000u % 60u, ms / 1000u % 60u, ms % 1000u,
			     level_names[level], module);

	printk("%s", prefix);
	return MIN(width, (int)sizeof(prefix) - 1);
}

void z_log_printf(int level, const char *module, const char *fmt, ...)
{
	va_list ap;

	(void)log_prefix(level, module);
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
}

/* `count` of `per_line` bytes as hex then as characters, a gap after every 8 when
 * `grouped`; built in a buffer so that the line goes out in one write. */
static void hexdump_line(const uint8_t *bytes, size_t count, size_t per_line, bool grouped)
{
	char line[16 * 4 + 8];
	size_t at = 0;

	for (size_t i = 0; i < per_line; i++) {
		if (grouped && i > 0 && i % 8 == 0) {
			line[at++] = ' ';
		}
		if (i < count) {
			at += snprintk(&line[at], 4, "%02x ", bytes[i]);
		} else {
			memcpy(&line[at], "   ", 3);
			at += 3;
		}
	}
	line[at++] = '|';
	for (size_t i = 0; i < per_line; i++) {
		if (grouped && i > 0 && i % 8 == 0) {
			line[at++] = ' ';
		}
		line[at++] = i >= count ? ' ' : isprint(bytes[i]) ? (char)bytes[i] : '.';
	}
	line[at++] = '\n';
	line[at] = '\0';
	printk("%s", line);
}

void z_log_hexdump(int level, const char *module, const void *data, size_t length,
		   const char *text)
{
	const uint8_t *bytes = data;
	int indent = log_prefix(level, module);

	printk("%s\n", text);
	if (IS_ENABLED(CONFIG_LOG_MODE_MINIMAL)) {
		/* Each line opens with the level letter again. */
		for (size_t done = 0; done < length; done += 8) {
			(void)log_prefix(level, module);
			hexdump_line(bytes + done, MIN(length - done, 8), 8, false);
		}
		return;
	}
	/* Lines under the text, as wide as the opening; even no bytes get one line. */
	size_t done = 0;

	do {
		printk("%*s", indent, "");
		hexdump_line(bytes + done, MIN(length - done, 16), 16, true);
		done += 16;
	} while (done < length);
}
#endif
