/* Logging (Zephyr's logging/log.h): LOG_ERR/WRN/INF/DBG print "<level> module: text"
 * with CONFIG_LOG ("I: text" with CONFIG_LOG_MODE_MINIMAL), filtered at compile time by
 * the module's level; LOG_HEXDUMP_* add the bytes, in Zephyr's hexdump layout.  Without
 * CONFIG_LOG they compile to nothing (their arguments are still type-checked).  Messages
 * are written as they are made, so there is never anything left to flush. */
#ifndef ZEPHYR_LOGGING_LOG_H
#define ZEPHYR_LOGGING_LOG_H

#include <zephyr/kernel.h>

#define LOG_LEVEL_NONE 0
#define LOG_LEVEL_ERR 1
#define LOG_LEVEL_WRN 2
#define LOG_LEVEL_INF 3
#define LOG_LEVEL_DBG 4

#ifdef CONFIG_LOG
void z_log_printf(int level, const char *module, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void z_log_hexdump(int level, const char *module, const void *data, size_t length,
		   const char *text);
#define Z_LOG_DEFAULT_LEVEL CONFIG_LOG_DEFAULT_LEVEL
#define Z_LOG_MAX_LEVEL CONFIG_LOG_MAX_LEVEL
#else
#define Z_LOG_MAX_LEVEL LOG_LEVEL_NONE
#define Z_LOG_DEFAULT_LEVEL LOG_LEVEL_NONE
static inline __attribute__((format(printf, 3, 4))) void
z_log_printf(int level, const char *module, const char *fmt, ...)
{
	ARG_UNUSED(level);
	ARG_UNUSED(module);
	ARG_UNUSED(fmt);
}

static inline void z_log_hexdump(int level, const char *module, const void *data,
				 size_t length, const char *text)
{
	ARG_UNUSED(level);
	ARG_UNUSED(module);
	ARG_UNUSED(data);
	ARG_UNUSED(length);
	ARG_UNUSED(text);
}
#endif

#define Z_LOG_LEVEL_OR_DEFAULT(...) Z_LOG_PICK(__VA_ARGS__, Z_LOG_DEFAULT_LEVEL, )
#define Z_LOG_PICK(name, level, ...) level

/* LOG_MODULE_REGISTER(name) or LOG_MODULE_REGISTER(name, level). */
#define LOG_MODULE_REGISTER(...)                                                   \
	static const char z_log_module_name[] __attribute__((unused)) =            \
		Z_LOG_STRINGIFY(Z_LOG_FIRST(__VA_ARGS__));                          \
	enum { z_log_module_level = Z_LOG_LEVEL_OR_DEFAULT(__VA_ARGS__) }
#define LOG_MODULE_DECLARE(...) LOG_MODULE_REGISTER(__VA_ARGS__)
#define Z_LOG_FIRST(first, ...) first
#define Z_LOG_STRINGIFY(x) Z_LOG_STRINGIFY2(x)
#define Z_LOG_STRINGIFY2(x) #x

#define Z_LOG(level, ...)                                                          \
	do {                                                                       \
		if (IS_ENABLED(CONFIG_LOG) && (level) <= z_log_module_level &&   \
		    (level) <= Z_LOG_MAX_LEVEL) {                                  \
			z_log_printf(level, z_log_module_name, __VA_ARGS__);       \
		}                                                                  \
	} while (0)

#define LOG_ERR(...) Z_LOG(LOG_LEVEL_ERR, __VA_ARGS__)
#define LOG_WRN(...) Z_LOG(LOG_LEVEL_WRN, __VA_ARGS__)
#define LOG_INF(...) Z_LOG(LOG_LEVEL_INF, __VA_ARGS__)
#define LOG_DBG(...) Z_LOG(LOG_LEVEL_DBG, __VA_ARGS__)

/* A warning printed the first time this statement runs only. */
#define LOG_WRN_ONCE(...)                                                          \
	do {                                                                       \
		static bool z_log_warned;                                          \
		if (!z_log_warned) {                                               \
			z_log_warned = true;                                       \
			LOG_WRN(__VA_ARGS__);                                      \
		}                                                                  \
	} while (0)

/* The message `text`, then `length` bytes from `data`, 16 to a line (8 in minimal
 * mode) in hex and as printable characters. */
#define Z_LOG_HEXDUMP(level, data, length, text)                                   \
	do {                                                                       \
		if (IS_ENABLED(CONFIG_LOG) && (level) <= z_log_module_level &&   \
		    (level) <= Z_LOG_MAX_LEVEL) {                                  \
			z_log_hexdump(level, z_log_module_name, data, length, text); \
		}                                                                  \
	} while (0)

#define LOG_HEXDUMP_ERR(data, length, text) Z_LOG_HEXDUMP(LOG_LEVEL_ERR, data, length, text)
#define LOG_HEXDUMP_WRN(data, length, text) Z_LOG_HEXDUMP(LOG_LEVEL_WRN, data, length, text)
#define LOG_HEXDUMP_INF(data, length, text) Z_LOG_HEXDUMP(LOG_LEVEL_INF, data, length, text)
#define LOG_HEXDUMP_DBG(data, length, text) Z_LOG_HEXDUMP(LOG_LEVEL_DBG, data, length, text)

/* printk through logging: no level, module or time, and nothing without CONFIG_LOG. */
#define LOG_PRINTK(...)                                                            \
	do {                                                                       \
		if (IS_ENABLED(CONFIG_LOG)) {                                      \
			printk(__VA_ARGS__);                                       \
		}                                                                  \
	} while (0)
#define LOG_RAW(...) LOG_PRINTK(__VA_ARGS__)

/* Zephyr flushes deferred messages here; Levante's were all written when made. */
#define LOG_PANIC() do { } while (0)
#define LOG_PROCESS() false

#endif
