/* Memory and instruction barriers (Zephyr's <zephyr/sys/barrier.h>): on Cortex-M the
 * DMB, DSB and ISB instructions, which also stop the compiler moving accesses across. */
#ifndef ZEPHYR_SYS_BARRIER_H
#define ZEPHYR_SYS_BARRIER_H

/* Orders memory accesses before it against those after it. */
static inline void barrier_dmem_fence_full(void)
{
	__asm__ volatile("dmb sy" ::: "memory");
}

/* Waits until every memory access before it has completed. */
static inline void barrier_dsync_fence_full(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

/* Refetches the instructions after it, so that a CONTROL or MPU change is seen. */
static inline void barrier_isync_fence_full(void)
{
	__asm__ volatile("isb sy" ::: "memory");
}

#endif
