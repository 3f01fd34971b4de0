/* Byte order (Zephyr's sys/byteorder.h): swapping, CPU <-> little/big-endian values, and
 * reading and writing integers of 2 to 8 bytes in a given order at any alignment.
 * Both boards are little-endian, so the little-endian conversions are the identity. */
#ifndef ZEPHYR_SYS_BYTEORDER_H
#define ZEPHYR_SYS_BYTEORDER_H

#include <stddef.h>
#include <stdint.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "Levante's boards are little-endian"
#endif

#define BSWAP_16(x) ((uint16_t)((((x) >> 8) & 0xffU) | (((x) & 0xffU) << 8)))
#define BSWAP_24(x) ((uint32_t)((((x) >> 16) & 0xffU) | ((x) & 0xff00U) | (((x) & 0xffU) << 16)))
#define BSWAP_32(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))
#define BSWAP_40(x) ((uint64_t)(__builtin_bswap64((uint64_t)(x)) >> 24))
#define BSWAP_48(x) ((uint64_t)(__builtin_bswap64((uint64_t)(x)) >> 16))
#define BSWAP_64(x) ((uint64_t)__builtin_bswap64((uint64_t)(x)))

#define sys_le16_to_cpu(val) (val)
#define sys_cpu_to_le16(val) (val)
#define sys_le24_to_cpu(val) (val)
#define sys_cpu_to_le24(val) (val)
#define sys_le32_to_cpu(val) (val)
#define sys_cpu_to_le32(val) (val)
#define sys_le40_to_cpu(val) (val)
#define sys_cpu_to_le40(val) (val)
#define sys_le48_to_cpu(val) (val)
#define sys_cpu_to_le48(val) (val)
#define sys_le64_to_cpu(val) (val)
#define sys_cpu_to_le64(val) (val)
#define sys_be16_to_cpu(val) BSWAP_16(val)
#define sys_cpu_to_be16(val) BSWAP_16(val)
#define sys_be24_to_cpu(val) BSWAP_24(val)
#define sys_cpu_to_be24(val) BSWAP_24(val)
#define sys_be32_to_cpu(val) BSWAP_32(val)
#define sys_cpu_to_be32(val) BSWAP_32(val)
#define sys_be40_to_cpu(val) BSWAP_40(val)
#define sys_cpu_to_be40(val) BSWAP_40(val)
#define sys_be48_to_cpu(val) BSWAP_48(val)
#define sys_cpu_to_be48(val) BSWAP_48(val)
#define sys_be64_to_cpu(val) BSWAP_64(val)
#define sys_cpu_to_be64(val) BSWAP_64(val)

/* Array initialisers holding a value's bytes in the CPU's (little-endian) order. */
#define sys_uint16_to_array(val) { (uint8_t)(val), (uint8_t)((val) >> 8) }
#define sys_uint32_to_array(val) \
	{ (uint8_t)(val), (uint8_t)((val) >> 8), (uint8_t)((val) >> 16), (uint8_t)((val) >> 24) }
#define sys_uint64_to_array(val)                                                            \
	{ (uint8_t)(val), (uint8_t)((val) >> 8), (uint8_t)((val) >> 16), (uint8_t)((val) >> 24), \
	  (uint8_t)((val) >> 32), (uint8_t)((val) >> 40), (uint8_t)((val) >> 48),                \
	  (uint8_t)((val) >> 56) }

/* The `size` low bytes of `val`, most significant first, and back. */
static inline void z_put_be(uint64_t val, uint8_t *dst, size_t size)
{
	for (size_t i = size; i > 0; i--) {
		dst[i - 1] = (uint8_t)val;
		val >>= 8;
	}
}

static inline uint64_t z_get_be(const uint8_t *src, size_t size)
{
	uint64_t val = 0;

	for (size_t i = 0; i < size; i++) {
		val = (val << 8) | src[i];
	}
	return val;
}

/* Least significant first. */
static inline void z_put_le(uint64_t val, uint8_t *dst, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		dst[i] = (uint8_t)val;
		val >>= 8;
	}
}

static inline uint64_t z_get_le(const uint8_t *src, size_t size)
{
	uint64_t val = 0;

	for (size_t i = size; i > 0; i--) {
		val = (val << 8) | src[i - 1];
	}
	return val;
}

static inline void sys_put_be16(uint16_t val, uint8_t dst[2]) { z_put_be(val, dst, 2); }
static inline void sys_put_be24(uint32_t val, uint8_t dst[3]) { z_put_be(val, dst, 3); }
static inline void sys_put_be32(uint32_t val, uint8_t dst[4]) { z_put_be(val, dst, 4); }
static inline void sys_put_be40(uint64_t val, uint8_t dst[5]) { z_put_be(val, dst, 5); }
static inline void sys_put_be48(uint64_t val, uint8_t dst[6]) { z_put_be(val, dst, 6); }
static inline void sys_put_be64(uint64_t val, uint8_t dst[8]) { z_put_be(val, dst, 8); }
static inline void sys_put_le16(uint16_t val, uint8_t dst[2]) { z_put_le(val, dst, 2); }
static inline void sys_put_le24(uint32_t val, uint8_t dst[3]) { z_put_le(val, dst, 3); }
static inline void sys_put_le32(uint32_t val, uint8_t dst[4]) { z_put_le(val, dst, 4); }
static inline void sys_put_le40(uint64_t val, uint8_t dst[5]) { z_put_le(val, dst, 5); }
static inline void sys_put_le48(uint64_t val, uint8_t dst[6]) { z_put_le(val, dst, 6); }
static inline void sys_put_le64(uint64_t val, uint8_t dst[8]) { z_put_le(val, dst, 8); }

static inline uint16_t sys_get_be16(const uint8_t src[2]) { return (uint16_t)z_get_be(src, 2); }
static inline uint32_t sys_get_be24(const uint8_t src[3]) { return (uint32_t)z_get_be(src, 3); }
static inline uint32_t sys_get_be32(const uint8_t src[4]) { return (uint32_t)z_get_be(src, 4); }
static inline uint64_t sys_get_be40(const uint8_t src[5]) { return z_get_be(src, 5); }
static inline uint64_t sys_get_be48(const uint8_t src[6]) { return z_get_be(src, 6); }
static inline uint64_t sys_get_be64(const uint8_t src[8]) { return z_get_be(src, 8); }
static inline uint16_t sys_get_le16(const uint8_t src[2]) { return (uint16_t)z_get_le(src, 2); }
static inline uint32_t sys_get_le24(const uint8_t src[3]) { return (uint32_t)z_get_le(src, 3); }
static inline uint32_t sys_get_le32(const uint8_t src[4]) { return (uint32_t)z_get_le(src, 4); }
static inline uint64_t sys_get_le40(const uint8_t src[5]) { return z_get_le(src, 5); }
static inline uint64_t sys_get_le48(const uint8_t src[6]) { return z_get_le(src, 6); }
static inline uint64_t sys_get_le64(const uint8_t src[8]) { return z_get_le(src, 8); }

/* `dst` receives `src`'s `length` bytes in reverse order; the two must not overlap. */
static inline void sys_memcpy_swap(void *dst, const void *src, size_t length)
{
	uint8_t *to = (uint8_t *)dst;
	const uint8_t *from = (const uint8_t *)src + length;

	while (length-- > 0) {
		*to++ = *--from;
	}
}

/* Reverses `length` bytes in place. */
static inline void sys_mem_swap(void *buf, size_t length)
{
	uint8_t *low = (uint8_t *)buf;
	uint8_t *high = low + length;

	while (length > 1) {
		uint8_t byte = *low;

		*low++ = *--high;
		*high = byte;
		length -= 2;
	}
}

#endif
