/* Zephyr's memory management header.  Levante's boards have an MPU and no MMU: the
 * virtual memory API (CONFIG_MMU, CONFIG_DEMAND_PAGING: k_mem_map, k_mem_pin, ...) does
 * not exist here, as on Zephyr's MPU boards. */
#ifndef ZEPHYR_KERNEL_MM_H
#define ZEPHYR_KERNEL_MM_H

#include <zephyr/kernel.h>

#endif
