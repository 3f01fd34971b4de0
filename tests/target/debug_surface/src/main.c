/* The debug surface: what logging, the thread monitor, thread names, assertions and the
 * shell expose, depending on the configuration. */
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>

LOG_MODULE_REGISTER(surface, LOG_LEVEL_INF);

static void worker(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	k_sleep(K_FOREVER);
}

K_THREAD_DEFINE(sleeper, 1024, worker, NULL, NULL, NULL, 7, 0, 0);

static void count_thread(const struct k_thread *thread, void *user_data)
{
	ARG_UNUSED(thread);
	(*(int *)user_data)++;
}

static volatile int checked = 1;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("HANDLER %u\n", reason); /* returning: only the asserting thread ends */
}

static void check(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	__ASSERT(checked == 0, "assertions are checked");
	printk("ASSERT passed over\n");
}

K_THREAD_DEFINE(checker, 1024, check, NULL, NULL, NULL, 8, 0, 0);

int main(void)
{
	int threads = 0;
	char name[8] = "";

	LOG_INF("info message %d", 42);
	LOG_DBG("debug message, compiled out at level INF");
	LOG_ERR("error message");
	k_thread_foreach(count_thread, &threads);
	printk("MONITOR %d threads\n", threads);
	printk("NAME %d %s\n", k_thread_name_copy(k_current_get(), name, sizeof(name)), name);
	printk("MAIN DONE\n");
	return 0;
}
