/* Compile-time proof that the C structures match the layout the kernel reads. */
#include <stddef.h>
#include <zephyr/kernel.h>

BUILD_ASSERT(sizeof(struct k_thread) == LV_SIZEOF_K_THREAD);
BUILD_ASSERT(offsetof(struct k_thread, name) == LV_OFFSETOF_K_THREAD_NAME);
BUILD_ASSERT(sizeof(struct k_sem) == LV_SIZEOF_K_SEM);
BUILD_ASSERT(offsetof(struct k_sem, count) == LV_OFFSETOF_K_SEM_COUNT);
BUILD_ASSERT(offsetof(struct k_sem, limit) == LV_OFFSETOF_K_SEM_LIMIT);
BUILD_ASSERT(sizeof(struct k_mutex) == LV_SIZEOF_K_MUTEX);
BUILD_ASSERT(sizeof(struct k_msgq) == LV_SIZEOF_K_MSGQ);
BUILD_ASSERT(offsetof(struct k_msgq, msg_size) == LV_OFFSETOF_K_MSGQ_MSG_SIZE);
BUILD_ASSERT(offsetof(struct k_msgq, max_msgs) == LV_OFFSETOF_K_MSGQ_MAX_MSGS);
BUILD_ASSERT(offsetof(struct k_msgq, buffer_start) == LV_OFFSETOF_K_MSGQ_BUFFER_START);
BUILD_ASSERT(sizeof(struct k_event) == LV_SIZEOF_K_EVENT);
BUILD_ASSERT(sizeof(struct k_timer) == LV_SIZEOF_K_TIMER);
BUILD_ASSERT(offsetof(struct k_timer, expiry_fn) == LV_OFFSETOF_K_TIMER_EXPIRY_FN);
BUILD_ASSERT(offsetof(struct k_timer, stop_fn) == LV_OFFSETOF_K_TIMER_STOP_FN);
BUILD_ASSERT(sizeof(struct _static_thread_data) == LV_SIZEOF_STATIC_THREAD_DATA);
BUILD_ASSERT(offsetof(struct _static_thread_data, init_entry) ==
	     LV_OFFSETOF_STATIC_THREAD_DATA_ENTRY);
BUILD_ASSERT(offsetof(struct _static_thread_data, init_name) ==
	     LV_OFFSETOF_STATIC_THREAD_DATA_NAME);

/* The kernel returns errno values by number: they must be newlib's. */
BUILD_ASSERT(EPERM == LV_EPERM && EAGAIN == LV_EAGAIN && EBUSY == LV_EBUSY);
BUILD_ASSERT(EINVAL == LV_EINVAL && ENOMSG == LV_ENOMSG && EDEADLK == LV_EDEADLK);
BUILD_ASSERT(EBADF == LV_EBADF && EADDRINUSE == LV_EADDRINUSE && ENOMEM == LV_ENOMEM);
BUILD_ASSERT(ENOTSUP == LV_ENOTSUP && EFAULT == LV_EFAULT && ENOSPC == LV_ENOSPC);
