/* Index clamping that holds under speculative execution (Spectre V1). */
#ifndef ZEPHYR_SYS_SPECULATION_H
#define ZEPHYR_SYS_SPECULATION_H

#include <stdint.h>

/* `index` when it is below `array_size`, else 0.  With
 * CONFIG_BOUNDS_CHECK_BYPASS_MITIGATION the result comes from a mask built without a
 * branch, so a mispredicted bounds check cannot steer a later load past the array. */
static inline uint32_t k_array_index_sanitize(uint32_t index, uint32_t array_size)
{
#ifdef CONFIG_BOUNDS_CHECK_BYPASS_MITIGATION
	/* The top bit of (size - 1 - index) is set exactly when index >= size (for sizes
	 * and indexes below 2^31; a larger index sets it itself): shifted down it is 1 for
	 * an index out of range, and 1 - 1 = 0 masks it away, 0 - 1 keeps every bit. */
	int32_t mask = (int32_t)((index | (array_size - 1U - index)) >> 31) - 1;

	return index & (uint32_t)mask;
#else
	return (index < array_size) ? index : 0U;
#endif
}

#endif
