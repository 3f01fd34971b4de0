/* Wait queues as Zephyr's kernel-internal <wait_q.h> shows them to tests: the first
 * waiter of an object's `wait_q`, which the kernel keeps current in the structure. */
#ifndef LEVANTE_WAIT_Q_H
#define LEVANTE_WAIT_Q_H

#include <zephyr/kernel.h>

/* The thread that would be served first, or NULL when nobody waits. */
static inline struct k_thread *z_waitq_head(_wait_q_t *wait_q)
{
	return (struct k_thread *)sys_dlist_peek_head(&wait_q->waitq);
}

#endif
