/* Zephyr's kernel-internal timeout queue header, for code that includes it (the kernel's
 * include folder is on its path): tick-precise timeouts whose function runs in interrupt
 * context.  Supervisor code only; the kernel keeps the queue. */
#ifndef LEVANTE_KERNEL_INCLUDE_TIMEOUT_Q_H
#define LEVANTE_KERNEL_INCLUDE_TIMEOUT_Q_H

#include <zephyr/kernel.h>

/* Arm `to`: `fn(to)` runs when `timeout` expires (a relative or absolute tick count;
 * K_FOREVER arms nothing).  Arming an armed timeout starts it again. */
void z_add_timeout(struct _timeout *to, _timeout_func_t fn, k_timeout_t timeout);

/* Disarm `to`: 0, or -EINVAL if it was not armed. */
int z_abort_timeout(struct _timeout *to);

#endif
