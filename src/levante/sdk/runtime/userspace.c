/* Kernel memory and partitions that user mode needs (CONFIG_USERSPACE): the default memory
 * domain, the C library's partition, the privileged stacks and the dynamic-object pool.
 *
 * The kernel finds these by name (levante.abi USERSPACE_SYMBOLS and
 * HEAP_SYMBOLS); the build keeps them although no C code refers to them.
 */
#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>

#ifdef CONFIG_USERSPACE

/* The kernel keeps the domain's state; these bytes only give it an address. */
struct k_mem_domain k_mem_domain_default;

/* newlib's globals (errno through _impure_ptr, stdio state, malloc bookkeeping): the build
 * gathers the C library's .data/.bss into this partition, which every thread's default
 * domain holds, so that user threads can call the C library. */
K_APPMEM_PARTITION_DEFINE(z_libc_partition);

/* One privileged stack per thread slot (a thread's slot is its bit in the kernel objects'
 * permission bitmaps).  Plain char, not a stack object: no thread may be granted one.
 * Here and below, a .noinit section of its own lets the linker sort it by alignment. */
#define Z_PRIV_STACK_SIZE ROUND_UP(CONFIG_PRIVILEGED_STACK_SIZE, Z_MPU_MIN_REGION)
char __aligned(Z_MPU_MIN_REGION) __section(".noinit.z_priv_stacks")
	z_priv_stacks[8 * CONFIG_MAX_THREAD_BYTES][Z_PRIV_STACK_SIZE];

/* The records k_object_find hands out, one per object looked up (the kernel fills them
 * in: levante.kernel.object_records). */
#define Z_OBJECT_RECORDS 32
struct k_object z_object_records[Z_OBJECT_RECORDS];

/* One bit per thread slot, set while the slot is free (Zephyr's thread index map); the
 * kernel keeps it current. */
uint8_t _thread_idx_map[CONFIG_MAX_THREAD_BYTES];

#endif /* CONFIG_USERSPACE */
