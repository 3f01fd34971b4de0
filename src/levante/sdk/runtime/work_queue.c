/* Work queue threads: the loop that runs a queue's handlers, starting a queue, the
 * system work queue, and user work queues (over k_queue). */
#include <zephyr/kernel.h>

/* The kernel hands the thread its next item with the handler it read from the item at
 * that moment (high word); 0 means "ask again" (after a yield, or after waiting for
 * work).  Asking again also tells the kernel the previous handler returned. */
static void z_work_queue_main(void *queue, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (;;) {
		uint64_t next = z_work_queue_next(queue);
		struct k_work *work = (struct k_work *)(uintptr_t)(uint32_t)next;

		if (work != NULL) {
			k_work_handler_t handler = (k_work_handler_t)(uintptr_t)(next >> 32);

			handler(work);
		}
	}
}

void k_work_queue_start(struct k_work_q *queue, k_thread_stack_t *stack, size_t stack_size,
			int prio, const struct k_work_queue_config *cfg)
{
	uint32_t options = (cfg != NULL && cfg->essential) ? K_ESSENTIAL : 0;
	uint32_t flags = (cfg != NULL && cfg->no_yield) ? K_WORK_QUEUE_NO_YIELD : 0;

	(void)k_thread_create(&queue->thread, stack, stack_size, z_work_queue_main, queue, NULL,
			      NULL, prio, options, K_FOREVER);
	z_work_queue_start(queue, flags);
#ifdef CONFIG_THREAD_NAME
	/* A queue without a name gets an empty one, as in Zephyr. */
	(void)k_thread_name_set(&queue->thread, (cfg != NULL && cfg->name != NULL) ? cfg->name : "");
#endif
	k_thread_start(&queue->thread);
}

#ifdef CONFIG_SYSTEM_WORKQUEUE
struct k_work_q k_sys_work_q;
K_KERNEL_STACK_DEFINE(z_sys_work_q_stack, CONFIG_SYSTEM_WORKQUEUE_STACK_SIZE);

/* Started by the main thread before main(), as Zephyr starts it at boot. */
void z_sys_work_q_start(void)
{
	const struct k_work_queue_config cfg = {
		.name = "sysworkq",
		.no_yield = IS_ENABLED(CONFIG_SYSTEM_WORKQUEUE_NO_YIELD),
		.essential = true,
	};

	k_work_queue_init(&k_sys_work_q);
	k_work_queue_start(&k_sys_work_q, (k_thread_stack_t *)z_sys_work_q_stack,
			   K_KERNEL_STACK_SIZEOF(z_sys_work_q_stack),
			   CONFIG_SYSTEM_WORKQUEUE_PRIORITY, &cfg);
}
#endif

#ifdef CONFIG_USERSPACE
/* A user work queue's thread: take an item, clear its pending bit (it may be submitted
 * again from its own handler), run it, let others run. */
static void z_work_user_q_main(void *work_q_ptr, void *p2, void *p3)
{
	struct k_work_user_q *work_q = work_q_ptr;

	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (;;) {
		struct k_work_user *work = k_queue_get(&work_q->queue, K_FOREVER);

		if (work == NULL) {
			continue;
		}
		k_work_user_handler_t handler = work->handler;

		if (atomic_test_and_clear_bit(&work->flags, K_WORK_USER_STATE_PENDING)) {
			handler(work);
		}
		k_yield();
	}
}

void k_work_user_queue_start(struct k_work_user_q *work_q, k_thread_stack_t *stack,
			     size_t stack_size, int prio, const char *name)
{
	k_queue_init(&work_q->queue);
	(void)k_thread_create(&work_q->thread, stack, stack_size, z_work_user_q_main, work_q,
			      NULL, NULL, prio, K_USER | K_INHERIT_PERMS, K_FOREVER);
	k_object_access_grant(&work_q->queue, &work_q->thread);
#ifdef CONFIG_THREAD_NAME
	if (name != NULL) {
		(void)k_thread_name_set(&work_q->thread, name);
	}
#endif
	k_thread_start(&work_q->thread);
}
#endif
