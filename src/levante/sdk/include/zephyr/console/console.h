/* Console input (Zephyr's console/console.h): console_getchar() is a system call that
 * returns the next byte typed (or piped) in, or -1 once the input has ended. It exists
 * with CONFIG_SHELL. */
#ifndef ZEPHYR_CONSOLE_CONSOLE_H
#define ZEPHYR_CONSOLE_CONSOLE_H

#include <zephyr/kernel.h>

#endif
