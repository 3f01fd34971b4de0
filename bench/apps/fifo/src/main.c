/* k_fifo round trips: main puts one item on a FIFO and takes it back, over and over (two
 * system calls, no waiter, no switch). */
#include <zephyr/kernel.h>

#define ROUND_TRIPS 20000

struct item {
	void *fifo_reserved; /* the first word belongs to the FIFO */
	uint32_t value;
};

static K_FIFO_DEFINE(bench_fifo);
static struct item bench_item;

int main(void)
{
	for (uint32_t i = 0; i < ROUND_TRIPS; i++) {
		bench_item.value = i;
		k_fifo_put(&bench_fifo, &bench_item);
		(void)k_fifo_get(&bench_fifo, K_NO_WAIT);
	}
	return 0;
}
