/* Debugged by GDB in the tests: a function to break in, globals to read, two threads. */
#include <zephyr/kernel.h>
#include <zephyr/sys/printk.h>

K_SEM_DEFINE(table_done, 0, 1);

int table[4];
volatile unsigned int calls;

/* 1*1 + 2*2 + ... + n*n */
__attribute__((noinline)) int square_sum(int n)
{
	int sum = 0;

	for (int i = 1; i <= n; i++) {
		sum += i * i;
	}
	calls++;
	return sum;
}

static void reporter(void *p1, void *p2, void *p3)
{
	k_sem_take(&table_done, K_FOREVER);
	printk("reporter saw %u calls\n", calls);
}

K_THREAD_DEFINE(reporter_thread, 1024, reporter, NULL, NULL, NULL, 5, 0, 0);

int main(void)
{
	for (int i = 0; i < 4; i++) {
		table[i] = square_sum(i + 2);
	}
	printk("table %d %d %d %d\n", table[0], table[1], table[2], table[3]);
	/* main's first system call: a step over it returns 0, the count. */
	printk("count %u\n", k_sem_count_get(&table_done));
	k_sem_give(&table_done);
	k_msleep(2);
	printk("cycles %u\n", k_cycle_get_32());
	return 0;
}
