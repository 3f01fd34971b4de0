/* Recoverable faults: each case runs in its own thread, faults, and is aborted after the
 * application's k_sys_fatal_error_handler() returns; main checks what the handler saw
 * and that the system runs on.  Prints "PASS <case>" or "FAIL <case>: ...". */
#include <zephyr/kernel.h>
#include <levante/syscall.h>

#define UNMAPPED 0x60000000u

K_THREAD_STACK_DEFINE(case_stack, 1024);
static struct k_thread case_thread;
K_SEM_DEFINE(alive_sem, 0, 1);

static volatile unsigned int handler_calls;
static volatile unsigned int last_reason;
static volatile uint32_t last_esf_pc;
static volatile int last_in_isr;
static volatile int reached_after_fault;
static volatile int divisor; /* 0: the compiler cannot see it */
static volatile int not_a_kernel_object;
static volatile int assert_value = 2;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	handler_calls++;
	last_reason = reason;
	last_esf_pc = esf->basic.pc;
	last_in_isr = k_is_in_isr();
	printk("HANDLER reason=%u pc=%#x\n", reason, (unsigned int)esf->basic.pc);
	/* Returning: the kernel aborts only the faulting thread. */
}

static void do_oops(void)
{
	k_oops();
}

static void do_assert(void)
{
	__ASSERT(assert_value == 1, "assert_value is %d", assert_value);
}

static void do_udf(void)
{
	__asm__ volatile("udf #0");
}

static void do_udf_w(void)
{
	__asm__ volatile(".inst.w 0xf7f0a000"); /* UDF.W #0: permanently undefined */
}

static void do_read_unmapped(void)
{
	(void)*(volatile uint32_t *)UNMAPPED;
}

static void do_write_unmapped(void)
{
	*(volatile uint32_t *)(UNMAPPED + 4) = 0x12345678u;
}

static void do_exec_unmapped(void)
{
	((void (*)(void))(UNMAPPED + 8 + 1))(); /* +1: Thumb */
}

static void do_divide_by_zero(void)
{
	volatile int quotient = 100 / divisor;

	(void)quotient;
}

static void do_syscall_0(void)
{
	(void)lv_syscall(0, 0, 0, 0, 0, 0, 0);
}

static void do_syscall_int_max(void)
{
	(void)lv_syscall(0, 0, 0, 0, 0, 0, INT_MAX);
}

static void do_syscall_uint_max(void)
{
	(void)lv_syscall(0, 0, 0, 0, 0, 0, UINT_MAX);
}

static void do_syscall_0x80000000(void)
{
	(void)lv_syscall(0, 0, 0, 0, 0, 0, 0x80000000u);
}

static void do_sem_give_non_object(void)
{
	k_sem_give((struct k_sem *)&not_a_kernel_object);
}

struct fault_case {
	const char *name;
	void (*fault)(void);
	unsigned int reason;
};

static const struct fault_case cases[] = {
	{ "oops", do_oops, K_ERR_KERNEL_OOPS },
	{ "assert", do_assert, K_ERR_KERNEL_PANIC },
	{ "udf", do_udf, K_ERR_CPU_EXCEPTION },
	{ "udf_w", do_udf_w, K_ERR_CPU_EXCEPTION },
	{ "read_unmapped", do_read_unmapped, K_ERR_CPU_EXCEPTION },
	{ "write_unmapped", do_write_unmapped, K_ERR_CPU_EXCEPTION },
	{ "exec_unmapped", do_exec_unmapped, K_ERR_CPU_EXCEPTION },
	{ "divide_by_zero", do_divide_by_zero, K_ERR_CPU_EXCEPTION },
	{ "syscall_0", do_syscall_0, K_ERR_KERNEL_OOPS },
	{ "syscall_int_max", do_syscall_int_max, K_ERR_KERNEL_OOPS },
	{ "syscall_uint_max", do_syscall_uint_max, K_ERR_KERNEL_OOPS },
	{ "syscall_0x80000000", do_syscall_0x80000000, K_ERR_KERNEL_OOPS },
	{ "sem_give_non_object", do_sem_give_non_object, K_ERR_KERNEL_OOPS },
};

static void case_entry(void *p1, void *p2, void *p3)
{
	const struct fault_case *c = p1;

	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	c->fault();
	reached_after_fault = 1;
}

static void run_case(const struct fault_case *c)
{
	unsigned int calls_before = handler_calls;
	int join;

	reached_after_fault = 0;
	last_reason = UINT_MAX;
	k_thread_create(&case_thread, case_stack, K_THREAD_STACK_SIZEOF(case_stack), case_entry,
			(void *)c, NULL, NULL, K_PRIO_PREEMPT(5), 0, K_FOREVER);
	k_thread_name_set(&case_thread, c->name);
	k_thread_start(&case_thread);
	join = k_thread_join(&case_thread, K_MSEC(100));

	if (join != 0) {
		printk("FAIL %s: expected join 0 got %d\n", c->name, join);
	} else if (handler_calls != calls_before + 1) {
		printk("FAIL %s: expected 1 handler call got %u\n", c->name,
		       handler_calls - calls_before);
	} else if (last_reason != c->reason) {
		printk("FAIL %s: expected reason %u got %u\n", c->name, c->reason, last_reason);
	} else if (reached_after_fault) {
		printk("FAIL %s: expected the thread to stop at the fault\n", c->name);
	} else if (!last_in_isr) {
		printk("FAIL %s: expected the handler in interrupt context\n", c->name);
	} else {
		printk("PASS %s\n", c->name);
	}
}

int main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		run_case(&cases[i]);
	}

	/* The system runs on: the kernel objects and the clock still work. */
	int64_t start = k_uptime_get();

	k_sem_give(&alive_sem);
	int take = k_sem_take(&alive_sem, K_NO_WAIT);

	k_msleep(5);
	if (take == 0 && k_uptime_get() - start >= 5 && handler_calls == ARRAY_SIZE(cases)) {
		printk("PASS runs_on\n");
	} else {
		printk("FAIL runs_on: take %d, handler calls %u\n", take, handler_calls);
	}
	printk("all faults handled\n");
	return 0;
}
