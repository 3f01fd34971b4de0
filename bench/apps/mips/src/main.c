/* Compute-bound user code: two threads run the same mixing loop under time slicing. */
#include <zephyr/kernel.h>

#define ITERATIONS 4000000

/* A hash-mixing loop (xorshift and multiply-rotate): the kind of straight-line integer
 * work firmware does in checksums and PRNGs.  The benchmark also runs it on bare Unicorn. */
__attribute__((noinline)) uint32_t bench_loop(uint32_t iterations, uint32_t seed)
{
	uint32_t state = seed, sum = 0;

	for (uint32_t i = 0; i < iterations; i++) {
		state ^= state << 13;
		state ^= state >> 17;
		state ^= state << 5;
		sum += state * 0x9E3779B1u;
		sum = (sum << 7) | (sum >> 25);
	}
	return sum;
}

static void worker(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("%s %08x\n", (const char *)p1, bench_loop(ITERATIONS, 1));
}

K_THREAD_DEFINE(worker_a, 1024, worker, "a", NULL, NULL, 5, 0, 0);
K_THREAD_DEFINE(worker_b, 1024, worker, "b", NULL, NULL, 5, 0, 0);

int main(void)
{
	return 0;
}
