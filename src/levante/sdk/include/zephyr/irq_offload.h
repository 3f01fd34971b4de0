/* irq_offload(routine, parameter) (CONFIG_IRQ_OFFLOAD): run `routine` in interrupt
 * context at once, as a software interrupt would; the caller goes on after it. The
 * declaration is the generated system-call stub's (kernel.h). */
#ifndef ZEPHYR_IRQ_OFFLOAD_H
#define ZEPHYR_IRQ_OFFLOAD_H

#include <zephyr/kernel.h>

#endif
