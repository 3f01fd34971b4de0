/* sys_bitarray: bit arrays in 32-bit bundles, each operation under the array's lock. */
#include <errno.h>
#include <zephyr/sys/bitarray.h>

#define BUNDLE_BITS 32U

static bool bit_is_set(const sys_bitarray_t *ba, size_t bit)
{
	return (ba->bundles[bit / BUNDLE_BITS] & BIT(bit % BUNDLE_BITS)) != 0U;
}

static void bit_assign(sys_bitarray_t *ba, size_t bit, bool value)
{
	if (value) {
		ba->bundles[bit / BUNDLE_BITS] |= BIT(bit % BUNDLE_BITS);
	} else {
		ba->bundles[bit / BUNDLE_BITS] &= ~BIT(bit % BUNDLE_BITS);
	}
}

/* A non-empty region inside the array (written so that no sum can wrap). */
static bool region_is_valid(const sys_bitarray_t *ba, size_t num_bits, size_t offset)
{
	return num_bits != 0U && num_bits <= ba->num_bits && offset <= ba->num_bits - num_bits;
}

/* Whether every bit of the region equals `value`. */
static bool region_is(const sys_bitarray_t *ba, size_t num_bits, size_t offset, bool value)
{
	for (size_t bit = offset; bit < offset + num_bits; bit++) {
		if (bit_is_set(ba, bit) != value) {
			return false;
		}
	}
	return true;
}

static void region_assign(sys_bitarray_t *ba, size_t num_bits, size_t offset, bool value)
{
	for (size_t bit = offset; bit < offset + num_bits; bit++) {
		bit_assign(ba, bit, value);
	}
}

/* The one-bit operations: `op` 0 tests, 1 sets, 2 clears; the old value goes to *val. */
enum bit_op { BIT_TEST, BIT_SET, BIT_CLEAR };

static int bit_operation(sys_bitarray_t *ba, size_t bit, enum bit_op op, int *val)
{
	if (bit >= ba->num_bits) {
		return -EINVAL;
	}
	k_spinlock_key_t key = k_spin_lock(&ba->lock);

	if (val != NULL) {
		*val = bit_is_set(ba, bit) ? 1 : 0;
	}
	if (op != BIT_TEST) {
		bit_assign(ba, bit, op == BIT_SET);
	}
	k_spin_unlock(&ba->lock, key);
	return 0;
}

int sys_bitarray_set_bit(sys_bitarray_t *bitarray, size_t bit)
{
	return bit_operation(bitarray, bit, BIT_SET, NULL);
}

int sys_bitarray_clear_bit(sys_bitarray_t *bitarray, size_t bit)
{
	return bit_operation(bitarray, bit, BIT_CLEAR, NULL);
}

int sys_bitarray_test_bit(sys_bitarray_t *bitarray, size_t bit, int *val)
{
	return val == NULL ? -EINVAL : bit_operation(bitarray, bit, BIT_TEST, val);
}

int sys_bitarray_test_and_set_bit(sys_bitarray_t *bitarray, size_t bit, int *prev_val)
{
	return prev_val == NULL ? -EINVAL : bit_operation(bitarray, bit, BIT_SET, prev_val);
}

int sys_bitarray_test_and_clear_bit(sys_bitarray_t *bitarray, size_t bit, int *prev_val)
{
	return prev_val == NULL ? -EINVAL : bit_operation(bitarray, bit, BIT_CLEAR, prev_val);
}

int sys_bitarray_alloc(sys_bitarray_t *bitarray, size_t num_bits, size_t *offset)
{
	if (!region_is_valid(bitarray, num_bits, 0U)) {
		return -EINVAL;
	}
	k_spinlock_key_t key = k_spin_lock(&bitarray->lock);
	int ret = -ENOSPC;
	size_t run = 0U;

	/* First fit: the first run of clear bits long enough. */
	for (size_t bit = 0U; bit < bitarray->num_bits; bit++) {
		run = bit_is_set(bitarray, bit) ? 0U : run + 1U;
		if (run == num_bits) {
			*offset = bit + 1U - num_bits;
			region_assign(bitarray, num_bits, *offset, true);
			ret = 0;
			break;
		}
	}
	k_spin_unlock(&bitarray->lock, key);
	return ret;
}

int sys_bitarray_free(sys_bitarray_t *bitarray, size_t num_bits, size_t offset)
{
	if (!region_is_valid(bitarray, num_bits, offset)) {
		return -EINVAL;
	}
	k_spinlock_key_t key = k_spin_lock(&bitarray->lock);
	int ret = -EFAULT;

	if (region_is(bitarray, num_bits, offset, true)) {
		region_assign(bitarray, num_bits, offset, false);
		ret = 0;
	}
	k_spin_unlock(&bitarray->lock, key);
	return ret;
}

int sys_bitarray_xor(sys_bitarray_t *dst, sys_bitarray_t *other, size_t num_bits, size_t offset)
{
	if (dst->num_bits != other->num_bits || !region_is_valid(dst, num_bits, offset)) {
		return -EINVAL;
	}
	k_spinlock_key_t dst_key = k_spin_lock(&dst->lock);
	k_spinlock_key_t other_key = k_spin_lock(&other->lock);

	for (size_t bit = offset; bit < offset + num_bits; bit++) {
		bit_assign(dst, bit, bit_is_set(dst, bit) != bit_is_set(other, bit));
	}
	k_spin_unlock(&other->lock, other_key);
	k_spin_unlock(&dst->lock, dst_key);
	return 0;
}

int sys_bitarray_find_nth_set(sys_bitarray_t *bitarray, size_t n, size_t num_bits, size_t offset,
			      size_t *found_at)
{
	if (n == 0U || !region_is_valid(bitarray, num_bits, offset)) {
		return -EINVAL;
	}
	k_spinlock_key_t key = k_spin_lock(&bitarray->lock);
	int ret = 1;

	for (size_t bit = offset; bit < offset + num_bits; bit++) {
		if (bit_is_set(bitarray, bit) && --n == 0U) {
			*found_at = bit;
			ret = 0;
			break;
		}
	}
	k_spin_unlock(&bitarray->lock, key);
	return ret;
}

int sys_bitarray_popcount_region(sys_bitarray_t *bitarray, size_t num_bits, size_t offset,
				 size_t *count)
{
	if (!region_is_valid(bitarray, num_bits, offset)) {
		return -EINVAL;
	}
	k_spinlock_key_t key = k_spin_lock(&bitarray->lock);
	size_t set = 0U;

	for (size_t bit = offset; bit < offset + num_bits; bit++) {
		set += bit_is_set(bitarray, bit) ? 1U : 0U;
	}
	*count = set;
	k_spin_unlock(&bitarray->lock, key);
	return 0;
}

static bool region_check(sys_bitarray_t *bitarray, size_t num_bits, size_t offset, bool value)
{
	if (!region_is_valid(bitarray, num_bits, offset)) {
		return false;
	}
	k_spinlock_key_t key = k_spin_lock(&bitarray->lock);
	bool result = region_is(bitarray, num_bits, offset, value);

	k_spin_unlock(&bitarray->lock, key);
	return result;
}

bool sys_bitarray_is_region_set(sys_bitarray_t *bitarray, size_t num_bits, size_t offset)
{
	return region_check(bitarray, num_bits, offset, true);
}

bool sys_bitarray_is_region_cleared(sys_bitarray_t *bitarray, size_t num_bits, size_t offset)
{
	return region_check(bitarray, num_bits, offset, false);
}

static int region_update(sys_bitarray_t *bitarray, size_t num_bits, size_t offset, bool value)
{
	if (!region_is_valid(bitarray, num_bits, offset)) {
		return -EINVAL;
	}
	k_spinlock_key_t key = k_spin_lock(&bitarray->lock);

	region_assign(bitarray, num_bits, offset, value);
	k_spin_unlock(&bitarray->lock, key);
	return 0;
}

int sys_bitarray_set_region(sys_bitarray_t *bitarray, size_t num_bits, size_t offset)
{
	return region_update(bitarray, num_bits, offset, true);
}

int sys_bitarray_clear_region(sys_bitarray_t *bitarray, size_t num_bits, size_t offset)
{
	return region_update(bitarray, num_bits, offset, false);
}

int sys_bitarray_test_and_set_region(sys_bitarray_t *bitarray, size_t num_bits, size_t offset,
				     bool to_set)
{
	if (!region_is_valid(bitarray, num_bits, offset)) {
		return -EINVAL;
	}
	k_spinlock_key_t key = k_spin_lock(&bitarray->lock);
	int ret = -EEXIST;

	if (region_is(bitarray, num_bits, offset, !to_set)) {
		region_assign(bitarray, num_bits, offset, to_set);
		ret = 0;
	}
	k_spin_unlock(&bitarray->lock, key);
	return ret;
}
