/*
 * Two threads of equal priority take turns: each waits for its own semaphore,
 * says hello, naps, then hands the turn to the other by giving the other's
 * semaphore.  The turn starts with thread_a because only its semaphore is
 * available at boot.  The threads never stop; bound the run with --max-time.
 */
#include <zephyr/kernel.h>

/* How long each thread naps while it holds the turn. */
#define NAP_MS 500

#define STACK_BYTES 1024
#define TURN_PRIORITY 7

/* The turn: thread_a's semaphore is free at boot, thread_b's is not. */
K_SEM_DEFINE(turn_a, 1, 1);
K_SEM_DEFINE(turn_b, 0, 1);

/* There is a single CPU on both boards; Zephyr prints the CPU id here. */
#define CPU_ID 0

static void take_turns(const char *who, struct k_sem *mine, struct k_sem *theirs)
{
	for (;;) {
		k_sem_take(mine, K_FOREVER);
		printk("%s: Hello World from cpu %d on %s! (uptime %lld ms)\n", who, CPU_ID,
		       CONFIG_BOARD, k_uptime_get());
		k_msleep(NAP_MS);
		k_sem_give(theirs);
	}
}

static void thread_a_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	take_turns("thread_a", &turn_a, &turn_b);
}

static void thread_b_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	take_turns("thread_b", &turn_b, &turn_a);
}

K_THREAD_DEFINE(thread_a, STACK_BYTES, thread_a_entry, NULL, NULL, NULL, TURN_PRIORITY, 0, 0);
K_THREAD_DEFINE(thread_b, STACK_BYTES, thread_b_entry, NULL, NULL, NULL, TURN_PRIORITY, 0, 0);

/* Everything happens in the two threads above; main has nothing to add. */
int main(void)
{
	return 0;
}
