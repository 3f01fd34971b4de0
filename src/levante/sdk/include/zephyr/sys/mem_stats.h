/* Memory statistics, as Zephyr's allocators report them (k_mem_slab_runtime_stats_get). */
#ifndef ZEPHYR_SYS_MEM_STATS_H
#define ZEPHYR_SYS_MEM_STATS_H

#include <stddef.h>

struct sys_memory_stats {
	size_t free_bytes;
	size_t allocated_bytes;
	size_t max_allocated_bytes;
};

#endif
