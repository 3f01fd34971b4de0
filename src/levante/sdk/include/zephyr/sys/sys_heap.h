/* sys_heap: a heap in memory the caller owns, with no kernel involved (Zephyr's library
 * heap, which k_heap builds on there).  It runs in the caller's context, user or
 * supervisor, on whatever memory it was given; it is not thread-safe by itself. */
#ifndef ZEPHYR_SYS_SYS_HEAP_H
#define ZEPHYR_SYS_SYS_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct z_heap;

struct sys_heap {
	struct z_heap *heap;
	void *init_mem;
	size_t init_bytes;
};

#include <zephyr/sys/mem_stats.h> /* struct sys_memory_stats */

void sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes);
void *sys_heap_alloc(struct sys_heap *heap, size_t bytes);
void *sys_heap_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes);
void sys_heap_free(struct sys_heap *heap, void *mem);
void *sys_heap_realloc(struct sys_heap *heap, void *ptr, size_t bytes);
void *sys_heap_aligned_realloc(struct sys_heap *heap, void *ptr, size_t align, size_t bytes);
size_t sys_heap_usable_size(struct sys_heap *heap, void *mem);
bool sys_heap_validate(struct sys_heap *heap);
int sys_heap_runtime_stats_get(struct sys_heap *heap, struct sys_memory_stats *stats);
int sys_heap_runtime_stats_reset_max(struct sys_heap *heap);

#endif
