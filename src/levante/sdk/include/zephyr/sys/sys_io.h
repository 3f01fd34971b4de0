/* Bits at a memory address (Zephyr's sys_io.h bit helpers): sys_*_bit on one 32-bit
 * word, sys_bitfield_*_bit on a bit field of any length (bit n is in word n / 32). */
#ifndef ZEPHYR_SYS_SYS_IO_H
#define ZEPHYR_SYS_SYS_IO_H

#include <stdint.h>

typedef uintptr_t mem_addr_t;

static inline volatile uint32_t *z_io_word(mem_addr_t addr)
{
	return (volatile uint32_t *)addr;
}

static inline void sys_set_bit(mem_addr_t addr, unsigned int bit)
{
	*z_io_word(addr) |= (1U << bit);
}

static inline void sys_clear_bit(mem_addr_t addr, unsigned int bit)
{
	*z_io_word(addr) &= ~(1U << bit);
}

/* Non-zero when the bit is set. */
static inline int sys_test_bit(mem_addr_t addr, unsigned int bit)
{
	return (int)(*z_io_word(addr) & (1U << bit));
}

static inline int sys_test_and_set_bit(mem_addr_t addr, unsigned int bit)
{
	int was_set = sys_test_bit(addr, bit);

	sys_set_bit(addr, bit);
	return was_set;
}

static inline int sys_test_and_clear_bit(mem_addr_t addr, unsigned int bit)
{
	int was_set = sys_test_bit(addr, bit);

	sys_clear_bit(addr, bit);
	return was_set;
}

#define Z_BITFIELD_WORD(addr, bit) ((addr) + ((bit) >> 5) * sizeof(uint32_t))

static inline void sys_bitfield_set_bit(mem_addr_t addr, unsigned int bit)
{
	sys_set_bit(Z_BITFIELD_WORD(addr, bit), bit & 31U);
}

static inline void sys_bitfield_clear_bit(mem_addr_t addr, unsigned int bit)
{
	sys_clear_bit(Z_BITFIELD_WORD(addr, bit), bit & 31U);
}

static inline int sys_bitfield_test_bit(mem_addr_t addr, unsigned int bit)
{
	return sys_test_bit(Z_BITFIELD_WORD(addr, bit), bit & 31U);
}

static inline int sys_bitfield_test_and_set_bit(mem_addr_t addr, unsigned int bit)
{
	return sys_test_and_set_bit(Z_BITFIELD_WORD(addr, bit), bit & 31U);
}

static inline int sys_bitfield_test_and_clear_bit(mem_addr_t addr, unsigned int bit)
{
	return sys_test_and_clear_bit(Z_BITFIELD_WORD(addr, bit), bit & 31U);
}

#endif
