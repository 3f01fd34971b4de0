/* CONFIG_LOG: one "[hh:mm:ss.mmm] <level> module: text" line per message. */
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>

#ifdef CONFIG_LOG
static const char *const level_names[] = {"none", "err", "wrn", "inf", "dbg"};

void z_log_printf(int level, const char *module, const char *fmt, ...)
{
	va_list ap;
	uint32_t ms = k_uptime_get_32();

	if (level < LOG_LEVEL_ERR || level > LOG_LEVEL_DBG) {
		level = LOG_LEVEL_ERR;
	}
	printk("[%02u:%02u:%02u.%03u] <%s> %s: ", ms / 3600000u, ms / 60000u % 60u,
	       ms / 1000u % 60u, ms % 1000u, level_names[level], module);
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
}
#endif
