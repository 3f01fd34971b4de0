/* The case runner (see attack.h): creates each case's thread, judges what happened and
 * prints the verdict. */
#include "attack.h"

K_APPMEM_PARTITION_DEFINE(test_part);

K_APP_BMEM(test_part) volatile int fault_expected;
K_APP_BMEM(test_part) static volatile int case_returned;
K_APP_BMEM(test_part) static volatile int case_result;

K_SEM_DEFINE(alive_sem, 0, 1);

struct k_thread case_thread;
K_THREAD_STACK_DEFINE(case_stack, STACK_SIZE);

volatile unsigned int fault_count;
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

static void case_entry(void *p1, void *p2, void *p3)
{
	const struct attack_case *c = p1;

	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	case_result = c->run(c->arg);
	case_returned = 1;
}

static const unsigned int outcome_reasons[] = {
	[OOPS] = K_ERR_KERNEL_OOPS,
	[CPU_EXCEPTION] = K_ERR_CPU_EXCEPTION,
	[STACK_CHK_FAIL] = K_ERR_STACK_CHK_FAIL,
	[OOPS_OR_REFUSED] = K_ERR_KERNEL_OOPS,
};

/* Why the case failed, or NULL; `line` is the failed check's line, if any. */
static const char *judge(const struct attack_case *c, unsigned int faults, int during,
			 int check, int *line)
{
	struct k_thread *culprit = c->culprit != NULL ? c->culprit : &case_thread;
	bool faulted = c->outcome == OOPS_OR_REFUSED ? faults != 0 : c->outcome != RETURNS;
	bool case_thread_faults = faulted && culprit == &case_thread;

	*line = 0;
	if (faults != (faulted ? 1u : 0u)) {
		return "wrong number of faults";
	}
	if (faulted) {
		if (fault_reason != outcome_reasons[c->outcome]) {
			return "wrong fault reason";
		}
		if (fault_thread != culprit) {
			return "the wrong thread faulted";
		}
		if (!fault_was_expected) {
			return "the fault was not at the expected instruction or call";
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

static void run_case(const struct attack_case *c)
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
	} else if (c->setup != NULL) {
		c->setup();
	}
	if (c->during != NULL) {
		during = c->during();
	}
	if (c->run != NULL && k_thread_join(&case_thread, K_MSEC(1000)) != 0) {
		printk("FAIL %s: the case thread did not end\n", c->name);
		k_thread_abort(&case_thread);
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
		printk("FAIL %s: %s (outcome %d, saw %u faults, reason %u, returned %d)\n",
		       c->name, why, (int)c->outcome, fault_count - faults_before, fault_reason,
		       case_returned);
	}
}

int main(void)
{
	int added = k_mem_domain_add_partition(&k_mem_domain_default, &test_part);
	int init;

	if (added != 0) {
		printk("FAIL add_partition: %d\n", added);
		return 0;
	}
	init = suite_init();
	if (init != 0) {
		printk("FAIL suite_init: line %d\n", init);
		return 0;
	}
	for (size_t i = 0; i < case_count; i++) {
		run_case(&cases[i]);
	}

	/* The system runs on: objects and the clock still work. */
	int64_t start = k_uptime_get();

	k_sem_give(&alive_sem);
	int take = k_sem_take(&alive_sem, K_NO_WAIT);

	k_msleep(5);
	if (take == 0 && k_uptime_get() - start >= 5) {
		printk("PASS runs_on\n");
	} else {
		printk("FAIL runs_on: take %d\n", take);
	}
	printk("DONE\n");
	return 0;
}
