/* Application memory partitions (Zephyr's app_memory/app_memdomain.h): globals that
 * user threads may share, grouped by partition so that each group is one MPU region.
 *
 * K_APP_DMEM(id) / K_APP_BMEM(id) put an initialised / zero-initialised global into the
 * input sections data_smem_<id>_data / data_smem_<id>_bss.  `levante build` finds those
 * sections in the object files and lays each partition out as one block that meets the
 * board's MPU rules, defining z_data_smem_<id>_part_start, z_data_smem_<id>_part_size,
 * z_data_smem_<id>_bss_start and z_data_smem_<id>_bss_end; the kernel zeroes every BSS
 * part at boot.  K_APPMEM_PARTITION_DEFINE(id) makes the struct k_mem_partition that
 * describes the block, for k_mem_domain_add_partition().
 */
#ifndef ZEPHYR_APP_MEMORY_APP_MEMDOMAIN_H
#define ZEPHYR_APP_MEMORY_APP_MEMDOMAIN_H

#include <zephyr/toolchain.h>
#include <zephyr/app_memory/mem_domain.h>
/* Z_LIBC_PARTITION_EXISTS and z_libc_partition: with user mode Levante's C library
 * always has its partition (errno and stdio live there), so a domain an application
 * builds from its own partitions "and the C library's if it exists" (Zephyr's
 * echo_server and echo_client) gets it. */
#include <zephyr/sys/libc-hooks.h>

#ifdef CONFIG_USERSPACE

#define K_APP_DMEM_SECTION(id) data_smem_##id##_data
#define K_APP_BMEM_SECTION(id) data_smem_##id##_bss

#define K_APP_DMEM(id) __attribute__((__section__("data_smem_" #id "_data")))
#define K_APP_BMEM(id) __attribute__((__section__("data_smem_" #id "_bss")))

#define Z_APP_START(id) z_data_smem_##id##_part_start
#define Z_APP_SIZE(id) z_data_smem_##id##_part_size

/* The structure itself is an ordinary global (kernel memory): a user thread must not be
 * able to rewrite the bounds of its own partitions.  The placeholder gives every defined
 * partition an input section, so the build finds it even before any global is placed in
 * it; it has no bytes (a GNU zero-length array), so a partition is exactly as large as
 * what is placed in it (rounded up to what the MPU can express). */
#define K_APPMEM_PARTITION_DEFINE(name)                                   \
	extern char Z_APP_START(name)[];                                  \
	extern char Z_APP_SIZE(name)[];                                   \
	struct k_mem_partition name = {                                   \
		.start = (uintptr_t)&Z_APP_START(name)[0],                \
		.size = (size_t)&Z_APP_SIZE(name)[0],                     \
		.attr = K_MEM_PARTITION_P_RW_U_RW,                        \
	};                                                                \
	K_APP_BMEM(name) char name##_placeholder[0]

#else /* !CONFIG_USERSPACE: no MPU isolation, the globals stay where they would be */

#define K_APP_DMEM_SECTION(id) .data
#define K_APP_BMEM_SECTION(id) .bss
#define K_APP_DMEM(id)
#define K_APP_BMEM(id)
/* Nothing named `name`, as in Zephyr; a declaration only so that the `;` after the
 * macro stays valid ISO C at file scope. */
#define K_APPMEM_PARTITION_DEFINE(name) extern char z_no_partition_##name

#endif

#endif
