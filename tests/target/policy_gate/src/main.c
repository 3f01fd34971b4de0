/* Under policy.lvp: main and a user thread give two semaphores, of which the policy
 * refuses one by its argument (the alarm, named in the policy), then take one semaphore
 * more often than the policy's window allows. Prints what each call returned. */
#include <zephyr/kernel.h>

K_SEM_DEFINE(ordinary, 0, 10);
K_SEM_DEFINE(alarm, 0, 7);

K_THREAD_STACK_DEFINE(worker_stack, 1024);
static struct k_thread worker_thread;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("FATAL %u\n", reason);
}

static void takes(const char *who)
{
	for (int i = 0; i < 5; i++) {
		printk("%s take %d: %d\n", who, i, k_sem_take(&ordinary, K_NO_WAIT));
	}
}

static void worker(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	k_sem_give(&alarm);
	printk("worker alarm count %u\n", k_sem_count_get(&alarm));
	takes("worker");
	k_sleep(K_MSEC(20));
	printk("worker after the window: %d\n", k_sem_take(&ordinary, K_NO_WAIT));
	/* Hostile: a pointer to no semaphore is refused before the policy is asked. */
	k_sem_give((struct k_sem *)0x10);
	printk("worker survived a bad pointer\n");
}

int main(void)
{
	for (int i = 0; i < 10; i++) {
		k_sem_give(&ordinary);
	}
	k_sem_give(&alarm);
	printk("main ordinary count %u alarm count %u\n", k_sem_count_get(&ordinary),
	       k_sem_count_get(&alarm));
	takes("main");

	k_tid_t tid = k_thread_create(&worker_thread, worker_stack,
				      K_THREAD_STACK_SIZEOF(worker_stack), worker, NULL, NULL,
				      NULL, 5, K_USER, K_FOREVER);
	k_thread_name_set(tid, "worker");
	k_thread_access_grant(tid, &ordinary, &alarm);
	k_thread_start(tid);
	k_thread_join(tid, K_FOREVER);
	printk("DONE\n");
	return 0;
}
