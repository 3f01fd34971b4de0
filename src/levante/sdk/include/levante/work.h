/* Work queues: the calls kernel.h's system calls do not cover, as Zephyr defines them. */
#ifndef LEVANTE_WORK_H_
#define LEVANTE_WORK_H_

#ifdef CONFIG_SYSTEM_WORKQUEUE
extern struct k_work_q k_sys_work_q;
#endif

/* In the runtime (work_queue.c): create the queue's thread, hand it to the kernel, name
 * it and start it. */
void k_work_queue_start(struct k_work_q *queue, k_thread_stack_t *stack, size_t stack_size,
			int prio, const struct k_work_queue_config *cfg);

static inline k_tid_t k_work_queue_thread_get(struct k_work_q *queue)
{
	return &queue->thread;
}

static inline bool k_work_is_pending(const struct k_work *work)
{
	return k_work_busy_get(work) != 0;
}

static inline struct k_work_delayable *k_work_delayable_from_work(struct k_work *work)
{
	return CONTAINER_OF(work, struct k_work_delayable, work);
}

static inline int k_work_delayable_busy_get(const struct k_work_delayable *dwork)
{
	return k_work_busy_get(&dwork->work);
}

static inline bool k_work_delayable_is_pending(const struct k_work_delayable *dwork)
{
	return k_work_delayable_busy_get(dwork) != 0;
}

#ifdef CONFIG_SYSTEM_WORKQUEUE
static inline int k_work_submit(struct k_work *work)
{
	return k_work_submit_to_queue(&k_sys_work_q, work);
}

static inline int k_work_schedule(struct k_work_delayable *dwork, k_timeout_t delay)
{
	return k_work_schedule_for_queue(&k_sys_work_q, dwork, delay);
}

static inline int k_work_reschedule(struct k_work_delayable *dwork, k_timeout_t delay)
{
	return k_work_reschedule_for_queue(&k_sys_work_q, dwork, delay);
}

#ifdef CONFIG_POLL
static inline int k_work_poll_submit(struct k_work_poll *work, struct k_poll_event *events,
				     int num_events, k_timeout_t timeout)
{
	return k_work_poll_submit_to_queue(&k_sys_work_q, work, events, num_events, timeout);
}
#endif
#endif

#ifdef CONFIG_USERSPACE
/* User work queues (Zephyr's k_work_user_*): a user thread takes items from a k_queue,
 * so a user thread can run one and submit to it.  All in the runtime and here. */
struct k_work_user;
typedef void (*k_work_user_handler_t)(struct k_work_user *work);

struct k_work_user_q {
	struct k_queue queue;
	struct k_thread thread;
};

enum {
	K_WORK_USER_STATE_PENDING,
};

struct k_work_user {
	void *_reserved; /* the first word of a k_queue item */
	k_work_user_handler_t handler;
	atomic_t flags;
};

#define Z_WORK_USER_INITIALIZER(work_handler) { .handler = (work_handler) }
#define K_WORK_USER_DEFINE(work, work_handler) \
	struct k_work_user work = Z_WORK_USER_INITIALIZER(work_handler)

static inline void k_work_user_init(struct k_work_user *work, k_work_user_handler_t handler)
{
	*work = (struct k_work_user)Z_WORK_USER_INITIALIZER(handler);
}

static inline bool k_work_user_is_pending(struct k_work_user *work)
{
	return atomic_test_bit(&work->flags, K_WORK_USER_STATE_PENDING);
}

/* 0 when queued; -EBUSY when already pending; what k_queue_alloc_append refused with
 * (-ENOMEM: no room in the caller's resource pool). */
static inline int k_work_user_submit_to_queue(struct k_work_user_q *work_q,
					      struct k_work_user *work)
{
	if (atomic_test_and_set_bit(&work->flags, K_WORK_USER_STATE_PENDING)) {
		return -EBUSY;
	}
	int ret = k_queue_alloc_append(&work_q->queue, work);

	if (ret != 0) {
		atomic_clear_bit(&work->flags, K_WORK_USER_STATE_PENDING);
	}
	return ret;
}

void k_work_user_queue_start(struct k_work_user_q *work_q, k_thread_stack_t *stack,
			     size_t stack_size, int prio, const char *name);

static inline k_tid_t k_work_user_queue_thread_get(struct k_work_user_q *work_q)
{
	return &work_q->thread;
}
#endif

#endif
