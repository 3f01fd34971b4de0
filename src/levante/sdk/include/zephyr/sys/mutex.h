/* Mutexes that live in user memory (Zephyr's <zephyr/sys/mutex.h>).
 *
 * With user mode a sys_mutex is a word in user memory (a partition) that names a kernel
 * mutex the kernel keeps from boot; locking and unlocking are system calls, checked by
 * memory as Zephyr's are: a thread that may write the sys_mutex may use it (-EACCES
 * otherwise, -EINVAL for a word that is no sys_mutex).  Without user mode it is a
 * k_mutex. */
#ifndef ZEPHYR_SYS_MUTEX_H
#define ZEPHYR_SYS_MUTEX_H

#include <zephyr/kernel.h>

#ifdef CONFIG_USERSPACE
struct sys_mutex {
	atomic_t val; /* nothing yet: the kernel mutex holds the state */
};

#define SYS_MUTEX_DEFINE(name) struct sys_mutex name

/* Nothing to set up: the kernel's mutex exists from boot. */
static inline void sys_mutex_init(struct sys_mutex *mutex)
{
	ARG_UNUSED(mutex);
}

/* 0; -EBUSY (K_NO_WAIT) or -EAGAIN (timeout) when another thread holds it. */
static inline int sys_mutex_lock(struct sys_mutex *mutex, k_timeout_t timeout)
{
	return z_sys_mutex_kernel_lock(mutex, timeout);
}

/* 0; -EINVAL when not locked, -EPERM when another thread holds it. */
static inline int sys_mutex_unlock(struct sys_mutex *mutex)
{
	return z_sys_mutex_kernel_unlock(mutex);
}
#else
struct sys_mutex {
	struct k_mutex kernel_mutex;
};

/* A K_MUTEX_DEFINE mutex under another type: the kernel finds it in the k_mutex section. */
#define SYS_MUTEX_DEFINE(name)                                                             \
	struct sys_mutex name Z_STATIC_OBJECT(k_mutex, name) = { .kernel_mutex = { { 0 } } }

static inline void sys_mutex_init(struct sys_mutex *mutex)
{
	(void)k_mutex_init(&mutex->kernel_mutex);
}

static inline int sys_mutex_lock(struct sys_mutex *mutex, k_timeout_t timeout)
{
	return k_mutex_lock(&mutex->kernel_mutex, timeout);
}

static inline int sys_mutex_unlock(struct sys_mutex *mutex)
{
	return k_mutex_unlock(&mutex->kernel_mutex);
}
#endif

#endif
