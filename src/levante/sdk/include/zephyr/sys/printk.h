/* printk: formatted console output through the kernel, as in Zephyr. */
#ifndef ZEPHYR_SYS_PRINTK_H
#define ZEPHYR_SYS_PRINTK_H

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>

/* Zephyr code prints 64-bit values with PRIu64 and friends.  newlib's <inttypes.h>
 * leaves them out when the compiler's own <stdint.h> stands in for newlib's, as it does
 * here; 64-bit integers are long long (levante/toolchain_types.h). */
#ifndef PRId64
#define PRId64 "lld"
#define PRIi64 "lli"
#define PRIu64 "llu"
#define PRIx64 "llx"
#define PRIX64 "llX"
#define PRIo64 "llo"
#endif

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);
int snprintk(char *str, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintk(char *str, size_t size, const char *fmt, va_list ap);

/* Send supervisor printk's characters through `fn` (Zephyr's console hook); the
 * current one, which prints to the console until a hook is installed. */
void __printk_hook_install(int (*fn)(int));
void *__printk_get_hook(void);

#endif
