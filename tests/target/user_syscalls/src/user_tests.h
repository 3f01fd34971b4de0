/* Shared by the user-mode system call tests: the case table, the state the runner shares
 * with the case threads (in the test partition, so that user threads can write it), and
 * the objects and helpers several groups of cases use.
 *
 * A case runs in its own thread (case_thread, a user thread unless the case says
 * otherwise).  Its body returns 0, or the line of the check that failed; a body that must
 * fault calls expect_fault() right before the system call that has to kill it, so that a
 * fault anywhere else is reported as a failure.
 */
#ifndef USER_TESTS_H
#define USER_TESTS_H

#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>

#define CASE_PRIO 5
#define STACK_SIZE 1024

enum outcome {
	RETURNS,       /* no fault anywhere, the body returns 0 */
	OOPS,          /* the culprit dies with K_ERR_KERNEL_OOPS */
	CPU_EXCEPTION, /* the culprit dies with K_ERR_CPU_EXCEPTION (an MPU fault) */
};

struct user_case {
	const char *name;     /* also the case thread's name (at most 31 characters) */
	int (*run)(void);     /* the case thread's body; NULL: `during` is the whole case */
	uint32_t options;     /* the case thread's options: K_USER, or 0 for supervisor mode */
	enum outcome outcome; /* how the culprit ends */
	struct k_thread *culprit; /* the thread that must fault; NULL: the case thread */
	void (*setup)(void);  /* main, between creating and starting the case thread */
	int (*during)(void);  /* main, while the case thread runs: 0 or a failed line */
	int (*check)(void);   /* main, after the case thread ended: 0 or a failed line */
};

struct case_group {
	const struct user_case *cases;
	size_t count;
};

extern const struct case_group object_group;
extern const struct case_group thread_group;
extern const struct case_group syscall_group;
extern const struct case_group dynamic_group;

#define CHECK(cond)                      \
	do {                             \
		if (!(cond)) {           \
			return __LINE__; \
		}                        \
	} while (false)

/* The partition every user thread of the test can read and write (in the default
 * memory domain, which threads created by user threads inherit). */
extern struct k_mem_partition test_part;

extern volatile int fault_expected;
extern volatile int child_done;
extern volatile int child_result;
extern k_tid_t main_tid;
extern k_tid_t parent_tid;

/* The next system call must fault (a plain store: no system call in between). */
static inline void expect_fault(void)
{
	fault_expected = 1;
}

/* The case thread, and a second thread a case thread may create. */
extern struct k_thread case_thread;
extern struct k_thread child_thread;
/* With their size, so that K_THREAD_STACK_SIZEOF works in every file. */
extern k_thread_stack_t case_stack[K_THREAD_STACK_LEN(STACK_SIZE)];
extern k_thread_stack_t child_stack[K_THREAD_STACK_LEN(STACK_SIZE)];

/* Kernel objects several groups use. */
extern struct k_sem test_sem;

/* Kernel memory: a user thread may neither read nor write it. */
extern char kernel_buffer[32];
extern const char flash_buffer[32];

/* main: grant the case thread the child's thread and stack objects. */
void grant_child_objects(void);

/* User mode helpers: create the child (K_FOREVER), name it, grant it `grant` (if not
 * NULL), start it and join it.  The child runs `body` and stores its result in
 * child_result, then sets child_done.  Returns 0 or the line of a failed step. */
int run_child(int (*body)(void), uint32_t options, const char *name, const void *grant);
void child_entry(void *p1, void *p2, void *p3);

#endif
