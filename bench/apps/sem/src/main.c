/* System-call round trips: k_sem_give with no waiter, many times. */
#include <zephyr/kernel.h>

#define CALLS 40000

K_SEM_DEFINE(bench_sem, 0, K_SEM_MAX_LIMIT);

__attribute__((noinline)) void give_loop(uint32_t calls)
{
	for (uint32_t i = 0; i < calls; i++) {
		k_sem_give(&bench_sem);
	}
}

int main(void)
{
	give_loop(CALLS);
	return 0;
}
