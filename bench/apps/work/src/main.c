/* Work item round trips: main submits an item to the system work queue and waits for
 * its handler to give a semaphore back, over and over. */
#include <zephyr/kernel.h>

#define ROUND_TRIPS 5000

static K_SEM_DEFINE(handled, 0, 1);

static void handler(struct k_work *work)
{
	ARG_UNUSED(work);
	k_sem_give(&handled);
}

static K_WORK_DEFINE(item, handler);

int main(void)
{
	for (int i = 0; i < ROUND_TRIPS; i++) {
		(void)k_work_submit(&item);
		(void)k_sem_take(&handled, K_FOREVER);
	}
	return 0;
}
