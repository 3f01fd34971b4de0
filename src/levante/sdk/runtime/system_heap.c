/* The system heap (K_HEAP_MEM_POOL_SIZE > 0, the size the build settles): k_malloc and
 * friends, as Zephyr's kernel/mempool.c gives them, over the k_heap the kernel serves from z_kernel_pool
 * (k_free is the kernel's: it frees a block of whichever heap it came from).
 * Kernel functions: a user thread that calls them oopses (they are not system calls). */
#include <zephyr/kernel.h>

#if K_HEAP_MEM_POOL_SIZE > 0
/* Kernel memory no user thread may touch; 1 KiB alignment lets the kernel place
 * power-of-two thread stacks (k_object_alloc) without wasting the start of the pool. */
char __aligned(1024) __section(".noinit.z_kernel_pool") z_kernel_pool[K_HEAP_MEM_POOL_SIZE];
/* Its k_heap: the kernel registers it at boot over z_kernel_pool (HEAP_SYMBOLS); its
 * fields name the pool, as a K_HEAP_DEFINE heap's do. */
struct k_heap _system_heap = { .buffer = z_kernel_pool, .size = sizeof(z_kernel_pool) };

void *k_aligned_alloc(size_t align, size_t size)
{
	return k_heap_aligned_alloc(&_system_heap, align, size, K_NO_WAIT);
}

void *k_malloc(size_t size)
{
	return k_heap_alloc(&_system_heap, size, K_NO_WAIT);
}

void *k_calloc(size_t nmemb, size_t size)
{
	return k_heap_calloc(&_system_heap, nmemb, size, K_NO_WAIT);
}

#else
/* Without a system heap every allocation fails, as in Zephyr. */
void *k_aligned_alloc(size_t align, size_t size)
{
	ARG_UNUSED(align);
	ARG_UNUSED(size);
	return NULL;
}

void *k_malloc(size_t size)
{
	ARG_UNUSED(size);
	return NULL;
}

void *k_calloc(size_t nmemb, size_t size)
{
	ARG_UNUSED(nmemb);
	ARG_UNUSED(size);
	return NULL;
}

#endif
