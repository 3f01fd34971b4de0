/* The older name of <zephyr/internal/syscall_handler.h>. */
#include <zephyr/internal/syscall_handler.h>
