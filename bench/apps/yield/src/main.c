/* Thread switches: two equal-priority threads hand the CPU back and forth with k_yield. */
#include <zephyr/kernel.h>

#define YIELDS 20000

static void yielder(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (int i = 0; i < YIELDS; i++) {
		k_yield();
	}
}

K_THREAD_DEFINE(yield_a, 1024, yielder, NULL, NULL, NULL, 5, 0, 0);
K_THREAD_DEFINE(yield_b, 1024, yielder, NULL, NULL, NULL, 5, 0, 0);

int main(void)
{
	return 0;
}
