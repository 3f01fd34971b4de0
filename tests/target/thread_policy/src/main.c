/* Under policy.lvp: threads whose start the policy refuses (by entry function, by
 * priority, by the name set before k_thread_start, by user mode) never run their first
 * instruction; their creator still gets a thread ID, and a join returns at once. The
 * threads the policy allows run as usual. */
#include <zephyr/kernel.h>

#define STACK_SIZE 1024

K_THREAD_STACK_DEFINE(stack_a, STACK_SIZE);
K_THREAD_STACK_DEFINE(stack_b, STACK_SIZE);
static struct k_thread thread_a;
static struct k_thread thread_b;

void rogue(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("rogue ran: %s\n", (const char *)p1);
}

static void worker(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("worker ran: %s\n", (const char *)p1);
}

void user_blocked(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("user_blocked ran\n");
}

/* A static thread the policy refuses by its entry. */
K_THREAD_DEFINE(static_rogue, STACK_SIZE, rogue, "static", NULL, NULL, 3, 0, 0);

/* Create one thread on stack a, wait for it, and say whether it ran. */
static void try_start(const char *what, k_thread_entry_t entry, int priority,
		      uint32_t options, const char *name)
{
	k_tid_t tid = k_thread_create(&thread_a, stack_a, K_THREAD_STACK_SIZEOF(stack_a),
				      entry, (void *)what, NULL, NULL, priority, options,
				      name == NULL ? K_NO_WAIT : K_FOREVER);

	if (name != NULL) {
		k_thread_name_set(tid, name);
		k_thread_start(tid);
	}
	printk("%s: created %d join %d\n", what, tid == &thread_a,
	       k_thread_join(tid, K_SECONDS(1)));
}

int main(void)
{
	try_start("allowed", worker, 5, 0, NULL);
	try_start("by entry", rogue, 5, 0, NULL);
	try_start("cooperative", worker, K_PRIO_COOP(1), 0, NULL);
	try_start("untrusted name", worker, 5, 0, "untrusted");
	try_start("trusted name", worker, 5, 0, "trusted");
	try_start("user allowed", worker, 5, K_USER, NULL);
	try_start("user blocked", user_blocked, 5, K_USER, NULL);

	/* A delayed start is judged when its delay ends, not when it is created. */
	k_tid_t later = k_thread_create(&thread_b, stack_b, K_THREAD_STACK_SIZEOF(stack_b),
					rogue, "delayed", NULL, NULL, 5, 0, K_MSEC(5));
	printk("delayed: join %d\n", k_thread_join(later, K_SECONDS(1)));
	printk("DONE\n");
	return 0;
}
