/* Semaphores that live in user memory (Zephyr's <zephyr/sys/sem.h>).
 *
 * With user mode a sys_sem is a futex word and a limit, in memory its users share (a
 * partition): taking or giving an available token is an atomic operation on the word,
 * with no system call; only a thread that must wait, or must wake waiters, calls the
 * kernel (k_futex_wait, k_futex_wake).  Without user mode it is a k_sem.  The functions
 * are in the runtime's sys_sem.c. */
#ifndef ZEPHYR_SYS_SEM_H
#define ZEPHYR_SYS_SEM_H

#include <zephyr/kernel.h>

#ifdef CONFIG_USERSPACE
struct sys_sem {
	struct k_futex futex; /* tokens when > 0; -1: none, and a thread may be waiting */
	int limit;
};

#define SYS_SEM_DEFINE(_name, _initial_count, _count_limit)                                \
	struct sys_sem _name = { .futex = { (_initial_count) }, .limit = (_count_limit) };  \
	BUILD_ASSERT(((_count_limit) != 0) && ((_initial_count) <= (_count_limit)) &&      \
		     ((_count_limit) <= INT_MAX))
#else
struct sys_sem {
	struct k_sem kernel_sem;
};

/* A K_SEM_DEFINE semaphore under another type: the kernel finds it in the k_sem section. */
#define SYS_SEM_DEFINE(_name, _initial_count, _count_limit)                                \
	struct sys_sem _name Z_STATIC_OBJECT(k_sem, _name) = {                                \
		.kernel_sem = Z_SEM_INITIALIZER(_name.kernel_sem, _initial_count, _count_limit) \
	};                                                                                 \
	BUILD_ASSERT(((_count_limit) != 0) && ((_initial_count) <= (_count_limit)))
#endif

/* 0, or -EINVAL: no semaphore, a zero limit, more tokens than the limit, a limit above
 * INT_MAX. */
int sys_sem_init(struct sys_sem *sem, unsigned int initial_count, unsigned int limit);

/* 0, or -EAGAIN when the semaphore already holds `limit` tokens. */
int sys_sem_give(struct sys_sem *sem);

/* 0 with a token; -ETIMEDOUT when none came in time (at once with K_NO_WAIT). */
int sys_sem_take(struct sys_sem *sem, k_timeout_t timeout);

unsigned int sys_sem_count_get(struct sys_sem *sem);

#endif
