/* Bit arrays (Zephyr's sys_bitarray): bits in 32-bit bundles, with region allocation.
 *
 * Bit n is bit (n % 32) of bundles[n / 32].  Every call takes the array's lock, so
 * threads and interrupts may share one array.  A region is num_bits bits from offset;
 * one that is empty or reaches past the array is refused with -EINVAL. */
#ifndef ZEPHYR_SYS_BITARRAY_H
#define ZEPHYR_SYS_BITARRAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/util.h>

struct sys_bitarray {
	uint32_t num_bits;
	uint32_t num_bundles;
	uint32_t *bundles;
	struct k_spinlock lock;
};

typedef struct sys_bitarray sys_bitarray_t;

#define Z_BITARRAY_BUNDLES(total_bits) DIV_ROUND_UP(DIV_ROUND_UP(total_bits, 8), sizeof(uint32_t))

#define _SYS_BITARRAY_DEFINE(name, total_bits, storage)                                   \
	storage uint32_t _sys_bitarray_bundles_##name[Z_BITARRAY_BUNDLES(total_bits)] = {0}; \
	storage sys_bitarray_t name = {                                                   \
		.num_bits = (total_bits),                                                 \
		.num_bundles = Z_BITARRAY_BUNDLES(total_bits),                            \
		.bundles = _sys_bitarray_bundles_##name,                                  \
	}

#define SYS_BITARRAY_DEFINE(name, total_bits) _SYS_BITARRAY_DEFINE(name, total_bits, )
#define SYS_BITARRAY_DEFINE_STATIC(name, total_bits) _SYS_BITARRAY_DEFINE(name, total_bits, static)

/* One bit: 0, or -EINVAL when `bit` is outside the array.  The test forms store the
 * bit's value (0 or 1), before the change for test_and_*. */
int sys_bitarray_set_bit(sys_bitarray_t *bitarray, size_t bit);
int sys_bitarray_clear_bit(sys_bitarray_t *bitarray, size_t bit);
int sys_bitarray_test_bit(sys_bitarray_t *bitarray, size_t bit, int *val);
int sys_bitarray_test_and_set_bit(sys_bitarray_t *bitarray, size_t bit, int *prev_val);
int sys_bitarray_test_and_clear_bit(sys_bitarray_t *bitarray, size_t bit, int *prev_val);

/* Set the lowest run of num_bits clear bits and store where it starts: 0, -EINVAL, or
 * -ENOSPC when no run is long enough. */
int sys_bitarray_alloc(sys_bitarray_t *bitarray, size_t num_bits, size_t *offset);
/* Clear an allocated region: 0, -EINVAL, or -EFAULT when some of its bits are clear. */
int sys_bitarray_free(sys_bitarray_t *bitarray, size_t num_bits, size_t offset);

/* dst ^= other over a region; the arrays must be the same size (else -EINVAL). */
int sys_bitarray_xor(sys_bitarray_t *dst, sys_bitarray_t *other, size_t num_bits, size_t offset);
/* Where the n-th (from 1) set bit of a region is: 0 and *found_at, 1 when the region
 * has fewer than n set bits, -EINVAL (n == 0 too). */
int sys_bitarray_find_nth_set(sys_bitarray_t *bitarray, size_t n, size_t num_bits, size_t offset,
			      size_t *found_at);
int sys_bitarray_popcount_region(sys_bitarray_t *bitarray, size_t num_bits, size_t offset,
				 size_t *count);

/* Whether every bit of a region is set (cleared); false for an invalid region. */
bool sys_bitarray_is_region_set(sys_bitarray_t *bitarray, size_t num_bits, size_t offset);
bool sys_bitarray_is_region_cleared(sys_bitarray_t *bitarray, size_t num_bits, size_t offset);
int sys_bitarray_set_region(sys_bitarray_t *bitarray, size_t num_bits, size_t offset);
int sys_bitarray_clear_region(sys_bitarray_t *bitarray, size_t num_bits, size_t offset);
/* Set (to_set) a region that is all clear, or clear one that is all set: 0, -EEXIST
 * when some bit already has the new value, -EINVAL. */
int sys_bitarray_test_and_set_region(sys_bitarray_t *bitarray, size_t num_bits, size_t offset,
				     bool to_set);

#endif
