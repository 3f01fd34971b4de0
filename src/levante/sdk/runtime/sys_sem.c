/* sys_sem (<zephyr/sys/sem.h>): with user mode a futex word in user memory, so that an
 * uncontended take or give makes no system call; without it, a k_sem. */
#include <zephyr/kernel.h>
#include <zephyr/sys/sem.h>

static bool valid_setup(const struct sys_sem *sem, unsigned int initial_count,
			unsigned int limit)
{
	return sem != NULL && limit != 0U && initial_count <= limit && limit <= INT_MAX;
}

#ifdef CONFIG_USERSPACE

/* The word's value when no token is left and a taker may be asleep on the futex: a
 * giver that finds it must wake the sleepers. */
#define NO_TOKEN_MAYBE_WAITERS (-1)

int sys_sem_init(struct sys_sem *sem, unsigned int initial_count, unsigned int limit)
{
	if (!valid_setup(sem, initial_count, limit)) {
		return -EINVAL;
	}
	atomic_set(&sem->futex.val, (atomic_val_t)initial_count);
	sem->limit = (int)limit;
	return 0;
}

/* Takes a token if there is one.  When there is none, marks the word so that the next
 * giver wakes the sleepers, and says so (false). */
static bool take_token(atomic_t *word)
{
	for (;;) {
		atomic_val_t seen = atomic_get(word);

		if (seen <= 0) {
			if (seen == NO_TOKEN_MAYBE_WAITERS ||
			    atomic_cas(word, seen, NO_TOKEN_MAYBE_WAITERS)) {
				return false;
			}
			continue; /* the word changed under us: look again */
		}
		if (atomic_cas(word, seen, seen - 1)) {
			return true;
		}
	}
}

int sys_sem_take(struct sys_sem *sem, k_timeout_t timeout)
{
	while (!take_token(&sem->futex.val)) {
		/* Sleeps only while the word still says "no token"; -EAGAIN means a giver
		 * came first: try again. */
		int ret = k_futex_wait(&sem->futex, NO_TOKEN_MAYBE_WAITERS, timeout);

		if (ret != 0 && ret != -EAGAIN) {
			return ret;
		}
	}
	return 0;
}

int sys_sem_give(struct sys_sem *sem)
{
	for (;;) {
		atomic_val_t seen = atomic_get(&sem->futex.val);

		if (seen >= sem->limit) {
			return -EAGAIN;
		}
		atomic_val_t tokens = (seen < 0 ? 0 : seen) + 1;

		if (!atomic_cas(&sem->futex.val, seen, tokens)) {
			continue;
		}
		if (seen == NO_TOKEN_MAYBE_WAITERS) {
			/* Every sleeper wakes and races for the token; the losers sleep again. */
			int woken = k_futex_wake(&sem->futex, true);

			return woken < 0 ? woken : 0;
		}
		return 0;
	}
}

unsigned int sys_sem_count_get(struct sys_sem *sem)
{
	atomic_val_t tokens = atomic_get(&sem->futex.val);

	return tokens > 0 ? (unsigned int)tokens : 0U;
}

#else /* !CONFIG_USERSPACE */

int sys_sem_init(struct sys_sem *sem, unsigned int initial_count, unsigned int limit)
{
	if (!valid_setup(sem, initial_count, limit)) {
		return -EINVAL;
	}
	return k_sem_init(&sem->kernel_sem, initial_count, limit);
}

int sys_sem_take(struct sys_sem *sem, k_timeout_t timeout)
{
	int ret = k_sem_take(&sem->kernel_sem, timeout);

	/* One error for "no token in time", as with user mode. */
	return (ret == -EAGAIN || ret == -EBUSY) ? -ETIMEDOUT : ret;
}

int sys_sem_give(struct sys_sem *sem)
{
	k_sem_give(&sem->kernel_sem);
	return 0;
}

unsigned int sys_sem_count_get(struct sys_sem *sem)
{
	return k_sem_count_get(&sem->kernel_sem);
}

#endif /* CONFIG_USERSPACE */
