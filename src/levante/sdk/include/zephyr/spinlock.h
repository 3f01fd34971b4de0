/* Spinlocks: on Levante's single core, a spinlock is an interrupt lock (irq_lock).
 * Included by <zephyr/kernel.h> after the generated calls. */
#ifndef ZEPHYR_SPINLOCK_H
#define ZEPHYR_SPINLOCK_H

#include <stdbool.h>

/* No state of its own: with one core, holding the interrupt lock is holding the
 * spinlock.  The byte keeps the structure's size non-zero, as C requires. */
struct k_spinlock {
	char unused;
};

typedef struct {
	unsigned int key;
} k_spinlock_key_t;

static inline k_spinlock_key_t k_spin_lock(struct k_spinlock *lock)
{
	(void)lock;
	return (k_spinlock_key_t){ .key = irq_lock() };
}

static inline int k_spin_trylock(struct k_spinlock *lock, k_spinlock_key_t *key)
{
	*key = k_spin_lock(lock);
	return 0;
}

static inline void k_spin_unlock(struct k_spinlock *lock, k_spinlock_key_t key)
{
	(void)lock;
	irq_unlock(key.key);
}

/* Leave the lock held by interrupt lock only (Zephyr's k_spin_release). */
static inline void k_spin_release(struct k_spinlock *lock)
{
	(void)lock;
}

/* Run the following block with `lck` held (Zephyr's K_SPINLOCK). */
#define K_SPINLOCK(lck)                                                                   \
	for (k_spinlock_key_t __i = k_spin_lock(lck), *__once = &__i; __once != NULL;     \
	     k_spin_unlock((lck), __i), __once = NULL)

#endif
