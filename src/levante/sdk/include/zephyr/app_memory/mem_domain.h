/* Memory partitions and domains (Zephyr's app_memory/mem_domain.h): the types the
 * k_mem_domain_* system calls take.
 *
 * A partition is a plain description (start, size, access attributes) that the kernel
 * copies in when it is added to a domain; a domain's state lives in the kernel, which
 * identifies it by address.  The layouts match STRUCT_SIZES / FIELD_OFFSETS in
 * levante.abi (runtime/abi_check.c proves it at compile time).
 */
#ifndef ZEPHYR_APP_MEMORY_MEM_DOMAIN_H
#define ZEPHYR_APP_MEMORY_MEM_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <generated/levante/abi.h>

/* A combination of the LV_PARTITION_* bits; the K_MEM_PARTITION_* names (generated in
 * abi.h) are Zephyr's usual combinations. */
typedef uint32_t k_mem_partition_attr_t;

struct k_mem_partition {
	uintptr_t start;
	size_t size;
	k_mem_partition_attr_t attr;
};

struct k_mem_domain {
	uint32_t _kernel_reserved[2];
};

/* The MPU rules (size, alignment) are the kernel's to check when the partition joins a
 * domain: a start address is not a compile-time constant, so a static check could only
 * ever cover half of them. */
#define K_MEM_PARTITION_DEFINE(name, start, size, attr) \
	struct k_mem_partition name = { (uintptr_t)(start), (size_t)(size), (attr) }

#define K_MEM_PARTITION_IS_WRITABLE(attr) \
	((((k_mem_partition_attr_t)(attr)) & (LV_PARTITION_U_WRITE | LV_PARTITION_P_WRITE)) != 0u)
#define K_MEM_PARTITION_IS_EXECUTABLE(attr)                                                    \
	((((k_mem_partition_attr_t)(attr)) & (LV_PARTITION_U_EXECUTE | LV_PARTITION_P_EXECUTE)) != \
	 0u)

#ifdef CONFIG_USERSPACE
/* The domain every thread belongs to until it is added to another one; it holds the
 * C library's partition (z_libc_partition). */
extern struct k_mem_domain k_mem_domain_default;
#endif

#endif
