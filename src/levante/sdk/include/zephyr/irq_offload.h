/* irq_offload(routine, parameter) (CONFIG_IRQ_OFFLOAD): run `routine` in interrupt
 * context at once, as a software interrupt would; the caller goes on after it.  It is
 * declared in <zephyr/kernel.h>, where Zephyr's tests also find it. */
#ifndef ZEPHYR_IRQ_OFFLOAD_H
#define ZEPHYR_IRQ_OFFLOAD_H

#include <zephyr/kernel.h>

#endif
