/* The case runner the attack suites share: each suite's src/runner.c includes
 * attack_common/runner.c, and its cases.c this header.  A case runs in its own thread, a user thread unless the case says
 * otherwise; k_sys_fatal_error_handler records the fault and returns, so the kernel
 * aborts only the faulting thread.  main judges each case against its table entry and
 * prints "PASS <case>" or "FAIL <case>: why", then "PASS runs_on" and "DONE".
 *
 * A body returns 0, or the line of the check that failed; a body that must fault calls
 * expect_fault() right before the instruction or call that has to kill it, so that a
 * fault anywhere else is reported as a failure.
 */
#ifndef ATTACK_H
#define ATTACK_H

#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>

#define CASE_PRIO 5
#define STACK_SIZE 1024

enum outcome {
	RETURNS,        /* no fault anywhere, the body returns 0 */
	OOPS,           /* the culprit dies with K_ERR_KERNEL_OOPS */
	CPU_EXCEPTION,  /* the culprit dies with K_ERR_CPU_EXCEPTION */
	STACK_CHK_FAIL, /* the culprit dies with K_ERR_STACK_CHK_FAIL */
	/* Either the culprit dies with K_ERR_KERNEL_OOPS, or nothing faults and the body
	 * returns 0 (it checks itself that its refused call did not succeed). */
	OOPS_OR_REFUSED,
};

struct attack_case {
	const char *name;       /* also the case thread's name (at most 31 characters) */
	int (*run)(const void *arg); /* the body; NULL: `during` is the whole case */
	const void *arg;        /* passed to the body */
	uint32_t options;       /* K_USER, or 0 for a supervisor thread */
	enum outcome outcome;
	struct k_thread *culprit; /* the thread that must fault; NULL: the case thread */
	void (*setup)(void);    /* main, between creating and starting the case thread */
	int (*during)(void);    /* main, while the case thread runs: 0 or a failed line */
	int (*check)(void);     /* main, after the case thread ended: 0 or a failed line */
};

#define CHECK(cond)                      \
	do {                             \
		if (!(cond)) {           \
			return __LINE__; \
		}                        \
	} while (false)

/* Every user thread of the suite can read and write this partition (it is in the
 * default memory domain). */
extern struct k_mem_partition test_part;
extern volatile int fault_expected;

/* The next instruction or system call must fault (a plain store: no call between). */
static inline void expect_fault(void)
{
	fault_expected = 1;
}

extern struct k_thread case_thread;
extern k_thread_stack_t case_stack[K_THREAD_STACK_LEN(STACK_SIZE)];

/* What the fatal error handler saw (kernel memory). */
extern volatile unsigned int fault_count;

/* The suite: its cases, and what main does before running them (0 or a failed line). */
extern const struct attack_case cases[];
extern const size_t case_count;
int suite_init(void);

#endif
