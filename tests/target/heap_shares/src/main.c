/* The system heap settled from the subsystems' shares: with CONFIG_POSIX_API and no
 * CONFIG_HEAP_MEM_POOL_SIZE, a user thread (holding main's pool, the system heap) polls a
 * semaphore; k_poll copies the events into that pool, so it fails with ENOMEM when the
 * heap is absent (HEAP_MEM_POOL_IGNORE_MIN) or too small for the array. */
#include <errno.h>
#include <zephyr/kernel.h>

#define USER_STACK_SIZE 2048

K_THREAD_STACK_DEFINE(user_stack, USER_STACK_SIZE);
static struct k_thread user_thread;
K_SEM_DEFINE(ready, 1, 1);

/* More events than the heap can copy: the kernel must refuse them, not overrun it. */
#define TOO_MANY ((int)(K_HEAP_MEM_POOL_SIZE / sizeof(struct k_poll_event)) + 1)

static void poller(void *p1, void *p2, void *p3)
{
	struct k_poll_event event;

	k_poll_event_init(&event, K_POLL_TYPE_SEM_AVAILABLE, K_POLL_MODE_NOTIFY_ONLY, &ready);
	printk("user k_poll: %d\n", k_poll(&event, 1, K_NO_WAIT));
	printk("user state: %s\n", event.state == K_POLL_STATE_SEM_AVAILABLE ? "available"
								      : "not available");
	/* Hostile counts: the copy would not fit, or the count is negative. */
	printk("user k_poll over the heap: %d\n", k_poll(&event, TOO_MANY, K_NO_WAIT));
	printk("user k_poll negative: %d\n", k_poll(&event, -1, K_NO_WAIT));
	/* The heap is whole again: the first copy was freed. */
	printk("user k_poll again: %d\n", k_poll(&event, 1, K_NO_WAIT));
}

int main(void)
{
	printk("heap size: %d\n", (int)K_HEAP_MEM_POOL_SIZE);
	k_tid_t tid = k_thread_create(&user_thread, user_stack, USER_STACK_SIZE, poller,
				      NULL, NULL, NULL, K_PRIO_PREEMPT(1), K_USER, K_FOREVER);

	k_object_access_grant(&ready, tid);
	k_thread_start(tid);
	k_thread_join(tid, K_FOREVER);
	printk("done\n");
	return 0;
}
