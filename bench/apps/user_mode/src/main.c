/* The same work in supervisor or user threads: the harness writes bench_options (0 or
 * K_USER) and bench_work before the system runs, so both modes run one image. */
#include <zephyr/kernel.h>

#define CALLS 40000
#define YIELDS 20000
#define STACK_SIZE 1024
#define PRIORITY 5

enum bench_work { GIVE_LOOP, YIELD_PAIR };

volatile uint32_t bench_options;
volatile uint32_t bench_work;

K_SEM_DEFINE(bench_sem, 0, K_SEM_MAX_LIMIT);
K_THREAD_STACK_DEFINE(stack_a, STACK_SIZE);
K_THREAD_STACK_DEFINE(stack_b, STACK_SIZE);
struct k_thread thread_a;
struct k_thread thread_b;

static void giver(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (int i = 0; i < CALLS; i++) {
		k_sem_give(&bench_sem);
	}
}

static void yielder(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (int i = 0; i < YIELDS; i++) {
		k_yield();
	}
}

int main(void)
{
	uint32_t options = bench_options;

	if (bench_work == GIVE_LOOP) {
		k_thread_create(&thread_a, stack_a, STACK_SIZE, giver, NULL, NULL, NULL, PRIORITY,
				options, K_FOREVER);
		k_object_access_grant(&bench_sem, &thread_a);
		k_thread_start(&thread_a);
	} else {
		k_thread_create(&thread_a, stack_a, STACK_SIZE, yielder, NULL, NULL, NULL,
				PRIORITY, options, K_NO_WAIT);
		k_thread_create(&thread_b, stack_b, STACK_SIZE, yielder, NULL, NULL, NULL,
				PRIORITY, options, K_NO_WAIT);
	}
	return 0;
}
