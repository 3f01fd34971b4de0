/* User-mode system calls and kernel objects (Zephyr's mem_protect obj_validation, kobject
 * and syscalls cases): main runs every case of every group in its own thread, and the
 * application's fatal error handler records each fault and returns, so that only the
 * faulting thread is aborted.  main then checks the outcome the case table gives and
 * prints "PASS <case>" or "FAIL <case>: why"; "DONE" ends a run that got through.
 */
#include "user_tests.h"

K_APPMEM_PARTITION_DEFINE(test_part);

K_APP_BMEM(test_part) volatile int fault_expected;
K_APP_BMEM(test_part) volatile int child_done;
K_APP_BMEM(test_part) volatile int child_result;
K_APP_BMEM(test_part) k_tid_t main_tid;
K_APP_BMEM(test_part) k_tid_t parent_tid;
K_APP_BMEM(test_part) static volatile int case_returned;
K_APP_BMEM(test_part) static volatile int case_result;

struct k_thread case_thread;
struct k_thread child_thread;
K_THREAD_STACK_DEFINE(case_stack, STACK_SIZE);
K_THREAD_STACK_DEFINE(child_stack, STACK_SIZE);

K_SEM_DEFINE(test_sem, 0, 10);
K_SEM_DEFINE(alive_sem, 0, 1);

char kernel_buffer[32] = "kernel memory";
const char flash_buffer[32] = "flash";

/* What the fatal error handler saw (kernel memory: it runs in supervisor mode). */
static volatile unsigned int fault_count;
static volatile unsigned int fault_reason;
static volatile k_tid_t fault_thread;
static volatile int fault_was_expected;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	fault_count++;
	fault_reason = reason;
	fault_thread = k_current_get();
	fault_was_expected = fault_expected;
	fault_expected = 0;
	/* Returning: the kernel aborts only the faulting thread. */
}

void grant_child_objects(void)
{
	k_thread_access_grant(&case_thread, &child_thread, child_stack);
}

void child_entry(void *p1, void *p2, void *p3)
{
	int (*body)(void) = (int (*)(void))p1;

	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	child_result = body();
	child_done = 1;
}

int run_child(int (*body)(void), uint32_t options, const char *name, const void *grant)
{
	k_tid_t tid;

	child_done = 0;
	child_result = -1;
	tid = k_thread_create(&child_thread, child_stack, K_THREAD_STACK_SIZEOF(child_stack),
			      child_entry, (void *)body, NULL, NULL, CASE_PRIO, options, K_FOREVER);
	CHECK(tid == &child_thread);
	CHECK(k_thread_name_set(&child_thread, name) == 0);
	if (grant != NULL) {
		k_object_access_grant(grant, &child_thread);
	}
	k_thread_start(&child_thread);
	CHECK(k_thread_join(&child_thread, K_FOREVER) == 0);
	return 0;
}

static void case_entry(void *p1, void *p2, void *p3)
{
	const struct user_case *c = p1;

	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	case_result = c->run();
	case_returned = 1;
}

static const char *const outcome_names[] = {
	[RETURNS] = "no fault", [OOPS] = "an oops", [CPU_EXCEPTION] = "a CPU exception"
};
static const unsigned int outcome_reasons[] = {
	[OOPS] = K_ERR_KERNEL_OOPS, [CPU_EXCEPTION] = K_ERR_CPU_EXCEPTION
};

/* Why the case failed, or NULL; `line` is the failed check's line, if any. */
static const char *judge(const struct user_case *c, unsigned int faults, int during, int check,
			 int *line)
{
	struct k_thread *culprit = c->culprit != NULL ? c->culprit : &case_thread;
	bool case_thread_faults = c->outcome != RETURNS && culprit == &case_thread;

	*line = 0;
	if (faults != (c->outcome == RETURNS ? 0u : 1u)) {
		return "wrong number of faults";
	}
	if (c->outcome != RETURNS) {
		if (fault_reason != outcome_reasons[c->outcome]) {
			return "wrong fault reason";
		}
		if (fault_thread != culprit) {
			return "the wrong thread faulted";
		}
		if (!fault_was_expected) {
			return "the fault was not at the expected call";
		}
	}
	if (c->run != NULL) {
		if (case_thread_faults && case_returned) {
			return "the case thread went on after the fault";
		}
		if (!case_thread_faults && !case_returned) {
			return "the case thread did not finish";
		}
		if (!case_thread_faults && case_result != 0) {
			*line = case_result;
			return "check failed in the case thread";
		}
	}
	if (during != 0) {
		*line = during;
		return "check failed in main while the case ran";
	}
	if (check != 0) {
		*line = check;
		return "check failed in main after the case";
	}
	return NULL;
}

static void run_case(const struct user_case *c)
{
	unsigned int faults_before = fault_count;
	int during = 0;
	int check = 0;
	int line;
	const char *why;

	case_returned = 0;
	case_result = -1;
	fault_expected = 0;
	fault_was_expected = 0;
	fault_thread = NULL;
	fault_reason = UINT_MAX;
	if (c->run != NULL) {
		k_thread_create(&case_thread, case_stack, K_THREAD_STACK_SIZEOF(case_stack),
				case_entry, (void *)c, NULL, NULL, CASE_PRIO, c->options,
				K_FOREVER);
		k_thread_name_set(&case_thread, c->name);
		if (c->setup != NULL) {
			c->setup();
		}
		k_thread_start(&case_thread);
	}
	if (c->during != NULL) {
		during = c->during();
	}
	if (c->run != NULL && k_thread_join(&case_thread, K_MSEC(500)) != 0) {
		printk("FAIL %s: the case thread did not end\n", c->name);
		return;
	}
	if (c->check != NULL) {
		check = c->check();
	}
	why = judge(c, fault_count - faults_before, during, check, &line);
	if (why == NULL) {
		printk("PASS %s\n", c->name);
	} else if (line != 0) {
		printk("FAIL %s: %s (line %d)\n", c->name, why, line);
	} else {
		printk("FAIL %s: %s (expected %s, saw %u faults, reason %u, returned %d)\n",
		       c->name, why, outcome_names[c->outcome], fault_count - faults_before,
		       fault_reason, case_returned);
	}
}

static const struct case_group *const groups[] = {
	&object_group, &thread_group, &syscall_group, &dynamic_group,
};

int main(void)
{
	unsigned int expected_faults = 0;
	int added;

	main_tid = k_current_get();
	/* The kernel allocates for a thread only from its resource pool (Zephyr's rule);
	 * the case threads inherit main's. */
	k_thread_system_pool_assign(main_tid);
	added = k_mem_domain_add_partition(&k_mem_domain_default, &test_part);
	if (added != 0) {
		printk("FAIL add_partition: %d\n", added);
		return 0;
	}
	for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
		for (size_t i = 0; i < groups[g]->count; i++) {
			run_case(&groups[g]->cases[i]);
			expected_faults += groups[g]->cases[i].outcome != RETURNS;
		}
	}

	/* The system runs on: objects and the clock still work, and every fault was one
	 * the table expects. */
	int64_t start = k_uptime_get();

	k_sem_give(&alive_sem);
	int take = k_sem_take(&alive_sem, K_NO_WAIT);

	k_msleep(5);
	if (take == 0 && k_uptime_get() - start >= 5 && fault_count == expected_faults) {
		printk("PASS runs_on\n");
	} else {
		printk("FAIL runs_on: take %d, %u faults, expected %u\n", take, fault_count,
		       expected_faults);
	}
	printk("DONE\n");
	return 0;
}
