/* One operation of Zephyr's latency_measure at a time, OPERATIONS times over, under its
 * name.  Each phase is announced on the console ("PHASE <name> <count>" before it, "END"
 * after it), so the harness can time it on the host; nothing inside a phase prints. */
#include <zephyr/kernel.h>

#define OPERATIONS 5000
#define STACK_SIZE 1024
#define PRIORITY 5 /* main's own, so that yields alternate between equals */

struct item {
	void *queue_reserved; /* the first word belongs to the FIFO or LIFO */
	uint32_t value;
};

static K_SEM_DEFINE(bench_sem, 0, K_SEM_MAX_LIMIT);
static K_MUTEX_DEFINE(bench_mutex);
static K_FIFO_DEFINE(bench_fifo);
static K_LIFO_DEFINE(bench_lifo);
static K_STACK_DEFINE(bench_stack, OPERATIONS);
static K_EVENT_DEFINE(bench_event);
static struct item items[OPERATIONS];

K_THREAD_STACK_DEFINE(stack_a, STACK_SIZE);
K_THREAD_STACK_DEFINE(stack_b, STACK_SIZE);
static struct k_thread thread_a;
static struct k_thread thread_b;

static void phase(const char *name, uint32_t count)
{
	printk("PHASE %s %u\n", name, count);
}

static void end(void)
{
	printk("END\n");
}

static void semaphores(void)
{
	phase("semaphore.give.immediate.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		k_sem_give(&bench_sem);
	}
	end();
	phase("semaphore.take.immediate.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		(void)k_sem_take(&bench_sem, K_NO_WAIT);
	}
	end();
}

static void mutexes(void)
{
	phase("mutex.lock.immediate.recursive.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		(void)k_mutex_lock(&bench_mutex, K_NO_WAIT);
	}
	end();
	phase("mutex.unlock.immediate.recursive.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		(void)k_mutex_unlock(&bench_mutex);
	}
	end();
}

static void queues(void)
{
	phase("fifo.put.immediate.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		k_fifo_put(&bench_fifo, &items[i]);
	}
	end();
	phase("fifo.get.immediate.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		(void)k_fifo_get(&bench_fifo, K_NO_WAIT);
	}
	end();
	phase("lifo.put.immediate.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		k_lifo_put(&bench_lifo, &items[i]);
	}
	end();
	phase("lifo.get.immediate.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		(void)k_lifo_get(&bench_lifo, K_NO_WAIT);
	}
	end();
	phase("stack.push.immediate.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		(void)k_stack_push(&bench_stack, (stack_data_t)i);
	}
	end();
	phase("stack.pop.immediate.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		stack_data_t data;

		(void)k_stack_pop(&bench_stack, &data, K_NO_WAIT);
	}
	end();
}

static void events(void)
{
	phase("events.post.immediate.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		(void)k_event_post(&bench_event, 0x1);
	}
	end();
	phase("events.set.immediate.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		(void)k_event_set(&bench_event, 0x3);
	}
	end();
	phase("events.wait.immediate.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		(void)k_event_wait(&bench_event, 0x1, false, K_NO_WAIT);
	}
	end();
	phase("events.wait_all.immediate.kernel", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		(void)k_event_wait_all(&bench_event, 0x3, false, K_NO_WAIT);
	}
	end();
}

static void user_giver(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	phase("semaphore.give.immediate.user", OPERATIONS);
	for (int i = 0; i < OPERATIONS; i++) {
		k_sem_give(&bench_sem);
	}
	end();
}

static void yielder(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	uint32_t announces = (uint32_t)(uintptr_t)p1;

	/* Two yielders of equal priority: every yield is one switch to the other. */
	if (announces) {
		phase(k_is_user_context() ? "thread.yield.preemptive.ctx.u_to_u"
					  : "thread.yield.preemptive.ctx.k_to_k",
		      2 * OPERATIONS);
	}
	for (int i = 0; i < OPERATIONS; i++) {
		k_yield();
	}
	if (!announces) {
		end(); /* the second yielder finishes last */
	}
}

static void run_pair(k_thread_entry_t entry, uint32_t options)
{
	/* Both start suspended below main, then main waits for them to finish. */
	k_thread_create(&thread_a, stack_a, STACK_SIZE, entry, (void *)1, NULL, NULL,
			PRIORITY + 1, options, K_FOREVER);
	k_thread_create(&thread_b, stack_b, STACK_SIZE, entry, (void *)0, NULL, NULL,
			PRIORITY + 1, options, K_FOREVER);
	k_thread_start(&thread_a);
	k_thread_start(&thread_b);
	k_thread_join(&thread_a, K_FOREVER);
	k_thread_join(&thread_b, K_FOREVER);
}

int main(void)
{
	semaphores();
	mutexes();
	queues();
	events();
	k_thread_create(&thread_a, stack_a, STACK_SIZE, user_giver, NULL, NULL, NULL, PRIORITY,
			K_USER, K_FOREVER);
	k_object_access_grant(&bench_sem, &thread_a);
	k_thread_start(&thread_a);
	k_thread_join(&thread_a, K_FOREVER);
	run_pair(yielder, 0);
	run_pair(yielder, K_USER);
	return 0;
}
