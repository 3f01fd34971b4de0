/* CONFIG_DYNAMIC_THREAD's pool: the stacks k_thread_stack_alloc() hands out before (or
 * after) allocating, reserved at build time; the kernel keeps which are taken. */
#include <zephyr/kernel.h>

#if defined(CONFIG_DYNAMIC_THREAD) && CONFIG_DYNAMIC_THREAD_POOL_SIZE > 0
K_THREAD_STACK_ARRAY_DEFINE(z_dynamic_thread_stacks, CONFIG_DYNAMIC_THREAD_POOL_SIZE,
			    CONFIG_DYNAMIC_THREAD_STACK_SIZE);
#endif
