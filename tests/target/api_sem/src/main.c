/* k_sem semantics.  Prints "PASS <name>" or "FAIL <name>: expected X got Y". */
#include <zephyr/kernel.h>

static void check(const char *name, long long expected, long long actual)
{
	if (expected == actual) {
		printk("PASS %s\n", name);
	} else {
		printk("FAIL %s: expected %lld got %lld\n", name, expected, actual);
	}
}

K_SEM_DEFINE(basic_sem, 0, 3);
K_SEM_DEFINE(limit_sem, 0, 2);
K_SEM_DEFINE(reset_sem, 0, 5);
K_SEM_DEFINE(order_sem, 0, 10);

#define WAITERS 4
K_THREAD_STACK_ARRAY_DEFINE(waiter_stacks, WAITERS, 768);
static struct k_thread waiters[WAITERS];
static int reset_results[2];
static char order_log[WAITERS + 1];
static int order_len;

static void reset_waiter(void *p1, void *p2, void *p3)
{
	int *result = p1;

	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	*result = k_sem_take(&reset_sem, K_FOREVER);
}

static void order_waiter(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	if (k_sem_take(&order_sem, K_FOREVER) == 0) {
		order_log[order_len++] = (char)(uintptr_t)p1;
	}
}

static void test_give_take(void)
{
	check("take_empty_no_wait_ebusy", -EBUSY, k_sem_take(&basic_sem, K_NO_WAIT));
	k_sem_give(&basic_sem);
	k_sem_give(&basic_sem);
	check("count_after_two_gives", 2, k_sem_count_get(&basic_sem));
	check("take_available", 0, k_sem_take(&basic_sem, K_NO_WAIT));
	check("take_available_with_timeout", 0, k_sem_take(&basic_sem, K_MSEC(50)));
	check("count_after_takes", 0, k_sem_count_get(&basic_sem));
}

static void test_timeout(void)
{
	/* A relative timeout counts whole ticks from the next tick boundary (as in
	 * Zephyr), so from the middle of tick t0 the wait ends exactly at tick
	 * t0 + 1 + timeout. */
	int64_t t0 = k_uptime_ticks();
	uint32_t c0 = k_cycle_get_32();
	int result = k_sem_take(&basic_sem, K_TICKS(7));
	uint32_t c1 = k_cycle_get_32();
	int64_t t1 = k_uptime_ticks();
	uint32_t cycles_per_tick = CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC /
				   CONFIG_SYS_CLOCK_TICKS_PER_SEC;

	check("take_timeout_eagain", -EAGAIN, result);
	check("take_timeout_ticks", t0 + 1 + 7, t1);
	check("take_timeout_not_early", 1, c1 - c0 >= 7 * cycles_per_tick);
	check("take_timeout_not_late", 1, c1 - c0 < 8 * cycles_per_tick + cycles_per_tick / 10);
}

static void test_limit(void)
{
	for (int i = 0; i < 5; i++) {
		k_sem_give(&limit_sem);
	}
	check("limit_caps_count", 2, k_sem_count_get(&limit_sem));
	check("limit_take_1", 0, k_sem_take(&limit_sem, K_NO_WAIT));
	check("limit_take_2", 0, k_sem_take(&limit_sem, K_NO_WAIT));
	check("limit_take_3_ebusy", -EBUSY, k_sem_take(&limit_sem, K_NO_WAIT));

	struct k_sem runtime_sem;

	check("init_limit_zero_einval", -EINVAL, k_sem_init(&runtime_sem, 0, 0));
	check("init_count_over_limit_einval", -EINVAL, k_sem_init(&runtime_sem, 3, 2));
	check("init_ok", 0, k_sem_init(&runtime_sem, 1, 1));
	check("init_count", 1, k_sem_count_get(&runtime_sem));
}

static void test_reset(void)
{
	k_sem_give(&reset_sem);
	k_sem_give(&reset_sem);
	k_sem_reset(&reset_sem);
	check("reset_zeroes_count", 0, k_sem_count_get(&reset_sem));

	for (int i = 0; i < 2; i++) {
		reset_results[i] = 1;
		k_thread_create(&waiters[i], waiter_stacks[i], K_THREAD_STACK_SIZEOF(waiter_stacks[i]),
				reset_waiter, &reset_results[i], NULL, NULL, K_PRIO_PREEMPT(2), 0,
				K_NO_WAIT);
	}
	k_msleep(1); /* both waiters block */
	check("waiters_pending", 1, reset_results[0] == 1 && reset_results[1] == 1);
	k_sem_reset(&reset_sem);
	k_msleep(1);
	check("reset_wakes_waiter_0_eagain", -EAGAIN, reset_results[0]);
	check("reset_wakes_waiter_1_eagain", -EAGAIN, reset_results[1]);
	check("reset_waiter_0_exited", 0, k_thread_join(&waiters[0], K_NO_WAIT));
	check("reset_waiter_1_exited", 0, k_thread_join(&waiters[1], K_NO_WAIT));
}

static void test_waiter_order(void)
{
	/* Arrival order A(prio 7), B(5), C(7), D(5): served B, D, A, C. */
	static const struct {
		char tag;
		int prio;
	} spec[WAITERS] = { { 'A', 7 }, { 'B', 5 }, { 'C', 7 }, { 'D', 5 } };

	for (int i = 0; i < WAITERS; i++) {
		k_thread_create(&waiters[i], waiter_stacks[i], K_THREAD_STACK_SIZEOF(waiter_stacks[i]),
				order_waiter, (void *)(uintptr_t)spec[i].tag, NULL, NULL,
				spec[i].prio, 0, K_NO_WAIT);
		k_msleep(1); /* let it block before the next one arrives */
	}
	for (int i = 0; i < WAITERS; i++) {
		k_sem_give(&order_sem);
		k_msleep(1); /* only the woken waiter runs and logs */
	}
	order_log[order_len] = '\0';
	if (order_len == WAITERS && order_log[0] == 'B' && order_log[1] == 'D' &&
	    order_log[2] == 'A' && order_log[3] == 'C') {
		printk("PASS waiters_priority_then_fifo\n");
	} else {
		printk("FAIL waiters_priority_then_fifo: expected BDAC got %s\n", order_log);
	}
	check("order_sem_count_zero", 0, k_sem_count_get(&order_sem));
}

int main(void)
{
	test_give_take();
	test_timeout();
	test_limit();
	test_reset();
	test_waiter_order();
	printk("DONE\n");
	return 0;
}
