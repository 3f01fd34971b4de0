/* The most and least significant set bits of a word, numbered from 1 (0: none set). */
#ifndef ZEPHYR_ARCH_COMMON_FFS_H
#define ZEPHYR_ARCH_COMMON_FFS_H

#include <stdint.h>

static inline unsigned int find_msb_set(uint32_t op)
{
	return op == 0U ? 0U : 32U - (unsigned int)__builtin_clz(op);
}

static inline unsigned int find_lsb_set(uint32_t op)
{
	return (unsigned int)__builtin_ffs((int)op);
}

#endif
