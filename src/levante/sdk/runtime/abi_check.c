/* Compile-time proof that the C structures match the layout the kernel reads. */
#include <stddef.h>
#include <zephyr/kernel.h>
#include <zephyr/drivers/flash.h>
#include <zephyr/drivers/gpio.h>
#include <zephyr/drivers/uart.h>
#include <zephyr/drivers/sensor.h>
#include <zephyr/sys/mutex.h>
#include <zephyr/net/net_context.h>
#include <zephyr/zvfs/eventfd.h>
#include <levante/ipc.h>

/* Every shared structure's size and field offsets, generated from the ABI's records. */
#include <generated/levante/struct_check.h>

/* The kernel reads the partition attributes bit by bit. */
BUILD_ASSERT(K_MEM_PARTITION_IS_WRITABLE(K_MEM_PARTITION_P_RW_U_RO) &&
	     !K_MEM_PARTITION_IS_WRITABLE(K_MEM_PARTITION_P_RX_U_RX));
BUILD_ASSERT(K_MEM_PARTITION_IS_EXECUTABLE(K_MEM_PARTITION_P_RX_U_RX) &&
	     !K_MEM_PARTITION_IS_EXECUTABLE(K_MEM_PARTITION_P_RW_U_RW));

/* A thread stack object is always a whole number of MPU-legal blocks. */
BUILD_ASSERT(Z_POW2_CEIL(1UL) == 1UL && Z_POW2_CEIL(33UL) == 64UL && Z_POW2_CEIL(64UL) == 64UL);
#if defined(CONFIG_USERSPACE) && defined(CONFIG_MPU_REQUIRES_POWER_OF_TWO_ALIGNMENT)
BUILD_ASSERT(K_THREAD_STACK_LEN(1) == 32 && K_THREAD_STACK_LEN(600) == 1024);
#elif defined(CONFIG_USERSPACE)
BUILD_ASSERT(K_THREAD_STACK_LEN(1) == 32 && K_THREAD_STACK_LEN(600) == 608);
#endif

/* The kernel returns errno values by number: they must be newlib's. */
BUILD_ASSERT(EPERM == LV_EPERM && EAGAIN == LV_EAGAIN && EBUSY == LV_EBUSY);
BUILD_ASSERT(EINVAL == LV_EINVAL && ENOMSG == LV_ENOMSG && EDEADLK == LV_EDEADLK);
BUILD_ASSERT(EBADF == LV_EBADF && EADDRINUSE == LV_EADDRINUSE && ENOMEM == LV_ENOMEM);
BUILD_ASSERT(ENOTSUP == LV_ENOTSUP && EFAULT == LV_EFAULT && ENOSPC == LV_ENOSPC);
BUILD_ASSERT(EIO == LV_EIO && ENODEV == LV_ENODEV && EACCES == LV_EACCES);
BUILD_ASSERT(ENODATA == LV_ENODATA);

/* Fields the kernel writes for stack protection and the thread monitor. */
BUILD_ASSERT(offsetof(struct k_thread, next_thread) == LV_OFFSETOF_K_THREAD_NEXT_THREAD);
BUILD_ASSERT(offsetof(struct k_thread, stack_info.delta) ==
	     LV_OFFSETOF_K_THREAD_STACK_INFO_DELTA);

#ifdef CONFIG_USERSPACE
/* The struct k_object record the kernel writes (levante.kernel.object_records). */
BUILD_ASSERT(offsetof(struct k_object, perms) == 4);
BUILD_ASSERT(offsetof(struct k_object, type) == 4 + CONFIG_MAX_THREAD_BYTES);
BUILD_ASSERT(offsetof(struct k_object, data) == ROUND_UP(6 + CONFIG_MAX_THREAD_BYTES, 4));
BUILD_ASSERT(sizeof(struct k_object) == ROUND_UP(6 + CONFIG_MAX_THREAD_BYTES, 4) + 4);
#endif

/* The page information flash_get_page_info_by_offs writes. */
BUILD_ASSERT(sizeof(struct flash_pages_info) == LV_SIZEOF_FLASH_PAGES_INFO);
BUILD_ASSERT(offsetof(struct flash_pages_info, start_offset) ==
	     LV_OFFSETOF_FLASH_PAGES_INFO_START_OFFSET);
BUILD_ASSERT(offsetof(struct flash_pages_info, size) == LV_OFFSETOF_FLASH_PAGES_INFO_SIZE);
BUILD_ASSERT(offsetof(struct flash_pages_info, index) == LV_OFFSETOF_FLASH_PAGES_INFO_INDEX);
