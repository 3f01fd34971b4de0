/* printk: formatted console output through the kernel, as in Zephyr. */
#ifndef ZEPHYR_SYS_PRINTK_H
#define ZEPHYR_SYS_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);
int snprintk(char *str, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintk(char *str, size_t size, const char *fmt, va_list ap);

#endif
