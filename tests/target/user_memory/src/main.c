/* Memory protection of user threads (Zephyr's tests/kernel/mem_protect/userspace and
 * protection, and the access half of mem_domain): a K_USER thread may touch its own stack,
 * the partitions of its memory domain (with the user rights of their attributes) and read
 * or execute flash; any other access faults with K_ERR_CPU_EXCEPTION.
 *
 * Each case runs in its own user thread, which either does only what it may and exits, or
 * faults; k_sys_fatal_error_handler() records the fault and returns, so the kernel aborts
 * only that thread.  main checks what the handler saw and prints "PASS <case>" or
 * "FAIL <case>: why", and "DONE" at the end.  For the addresses only known at run time
 * (stacks, the heap) main prints "ADDR <case> <address>": the test compares the fault
 * events of the trace with those lines and with the image's symbols.
 */
#include <stdlib.h>
#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>

#define STACK_SIZE 1024
#define CASE_PRIORITY K_PRIO_PREEMPT(5)
#define THUMB_BX_LR 0x4770u
#define MARKER 0xa5u

/* ---- Memory the cases aim at ------------------------------------------------------- */

/* Kernel RAM and kernel objects: no user thread may read or write them. */
volatile uint32_t kernel_ram_word = 0x1234abcdu;
K_SEM_DEFINE(kernel_sem, 0, 1);

/* Read-only data and code, in flash: user threads may read, never write. */
const uint32_t kernel_rodata_word = 0xc0dec0deu;

/* What main hands a case and what the case reports back: every case domain holds it. */
K_APPMEM_PARTITION_DEFINE(params_part);
K_APP_BMEM(params_part) volatile uintptr_t case_arg;
K_APP_BMEM(params_part) volatile uint32_t case_value;
K_APP_BMEM(params_part) volatile int case_flag;
K_APP_BMEM(params_part) volatile int reached_after_fault;

/* A P_RW_U_RW partition: initialised data, zeroed data and a Thumb "bx lr" that user
 * threads may read and write but never execute. */
K_APPMEM_PARTITION_DEFINE(data_part);
K_APP_DMEM(data_part) volatile uint32_t data_word = 0x600dcafeu;
K_APP_BMEM(data_part) volatile uint32_t bss_words[8];
K_APP_DMEM(data_part) volatile uint16_t partition_code[2] = { THUMB_BX_LR, THUMB_BX_LR };

/* A P_RW_U_RO partition over a plain kernel buffer, aligned so that both MPUs can
 * express it as one region. */
#define RO_SIZE 64
uint8_t __aligned(RO_SIZE) ro_buffer[RO_SIZE] = { 0x5a, 0x5b };
K_MEM_PARTITION_DEFINE(ro_part, ro_buffer, sizeof(ro_buffer), K_MEM_PARTITION_P_RW_U_RO);

/* 76 bytes of contents: the build makes it a 96-byte partition on ARMv8-M (32-byte
 * granularity) and a 128-byte one on ARMv7-M (power of two).  Its domain holds nothing
 * else, so whatever follows it in RAM is out of reach. */
K_APPMEM_PARTITION_DEFINE(edge_part);
K_APP_DMEM(edge_part) volatile uint8_t edge_bytes[72] = { 1 };
K_APP_BMEM(edge_part) volatile int edge_reached;

/* A P_RX_U_RX partition over the first 32 bytes of kernel RAM code: the next 32 bytes
 * share its 1 KiB page, but not its rights. */
#define RX_SIZE 32
uint16_t __aligned(RX_SIZE) rx_code[2 * RX_SIZE / 2] = {
	[0] = THUMB_BX_LR, [RX_SIZE / 2] = THUMB_BX_LR,
};
K_MEM_PARTITION_DEFINE(rx_part, rx_code, RX_SIZE, K_MEM_PARTITION_P_RX_U_RX);

/* Two domains that share only params_part. */
K_APPMEM_PARTITION_DEFINE(a_part);
K_APP_BMEM(a_part) volatile uint32_t a_word;
K_APPMEM_PARTITION_DEFINE(b_part);
K_APP_BMEM(b_part) volatile uint32_t b_word;

static struct k_mem_domain case_domain;
static struct k_mem_domain edge_domain;
static struct k_mem_domain rx_domain;
static struct k_mem_domain a_domain;
static struct k_mem_domain b_domain;

K_THREAD_STACK_DEFINE(case_stack, STACK_SIZE);
static struct k_thread case_thread;

/* Another user thread, asleep for the whole run: its stack is not the cases' to touch. */
K_THREAD_STACK_DEFINE(bystander_stack, STACK_SIZE);
static struct k_thread bystander_thread;

static uint16_t *heap_code;

/* ---- The fatal error handler ------------------------------------------------------- */

static volatile unsigned int handler_calls;
static volatile unsigned int last_reason;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	handler_calls++;
	last_reason = reason;
	/* Returning: the kernel aborts only the faulting thread. */
}

/* ---- What the user threads do -------------------------------------------------------- */

__noinline void text_target(void)
{
	__asm__ volatile("nop");
}

static void call_thumb(uintptr_t address)
{
	((void (*)(void))(address | 1u))();
}

static void read_kernel_ram(void)
{
	case_value = kernel_ram_word;
}

static void write_kernel_ram(void)
{
	kernel_ram_word = 0xdeadbeefu;
}

static void read_kernel_object(void)
{
	case_value = *(volatile uint32_t *)&kernel_sem;
}

static void read_rodata(void)
{
	case_value = *(volatile const uint32_t *)&kernel_rodata_word;
}

static void write_rodata(void)
{
	*(volatile uint32_t *)&kernel_rodata_word = 0;
}

static void write_text(void)
{
	*(volatile uint16_t *)((uintptr_t)text_target & ~1u) = THUMB_BX_LR;
}

static void read_at_arg(void)
{
	case_value = *(volatile uint32_t *)case_arg;
}

static void write_at_arg(void)
{
	*(volatile uint32_t *)case_arg = 0xdeadbeefu;
}

static void exec_partition(void)
{
	call_thumb((uintptr_t)partition_code);
}

static void exec_stack(void)
{
	volatile uint16_t code[2] = { THUMB_BX_LR, THUMB_BX_LR };

	case_arg = (uintptr_t)code;
	call_thumb((uintptr_t)code);
}

static void exec_rx_partition(void)
{
	call_thumb((uintptr_t)rx_code);
}

static void exec_past_rx_partition(void)
{
	call_thumb((uintptr_t)rx_code + RX_SIZE);
}

static void exec_at_arg(void)
{
	call_thumb(case_arg);
}

/* The link-time symbols of the partition are constants in the code: the thread needs no
 * kernel memory to find its partition. */
static void partition_last_byte(void)
{
	volatile uint8_t *start = (volatile uint8_t *)Z_APP_START(edge_part);
	size_t size = (size_t)Z_APP_SIZE(edge_part);

	start[size - 1] = MARKER;
	if (start[size - 1] == MARKER && start[0] == 1) {
		edge_bytes[1] = MARKER;
	}
}

static void partition_past_end(void)
{
	volatile uint8_t *start = (volatile uint8_t *)Z_APP_START(edge_part);
	size_t size = (size_t)Z_APP_SIZE(edge_part);

	edge_bytes[2] = start[size - 1];
	edge_bytes[3] = start[size];
}

static void write_control(void)
{
	/* Unprivileged MSR to CONTROL is ignored: nPRIV stays set. */
	__asm__ volatile("movs r0, #0\n\t"
			 "msr CONTROL, r0\n\t"
			 "isb" ::: "r0", "memory");
	case_flag = k_is_user_context() ? 1 : 0;
	case_value = kernel_ram_word;
}

static void entered_user_mode(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	case_flag = k_is_user_context() ? 2 : 0;
	case_value = kernel_ram_word;
	reached_after_fault = 1;
}

static void user_mode_enter(void)
{
	/* Still a supervisor thread: kernel RAM is readable until it drops privileges. */
	case_value = kernel_ram_word;
	case_flag = k_is_user_context() ? 0 : 1;
	k_thread_user_mode_enter(entered_user_mode, NULL, NULL, NULL);
}

static void partition_rw(void)
{
	case_value = data_word;
	data_word = 0x12345678u;
	case_flag = data_word == 0x12345678u;
}

static void partition_bss_zeroed(void)
{
	uint32_t any = 0;

	for (size_t i = 0; i < ARRAY_SIZE(bss_words); i++) {
		any |= bss_words[i];
		bss_words[i] = 0xffffffffu;
	}
	case_flag = any == 0 && bss_words[7] == 0xffffffffu;
}

static void ro_partition_read(void)
{
	case_value = ro_buffer[0] | (ro_buffer[1] << 8);
}

static void ro_partition_write(void)
{
	ro_buffer[RO_SIZE - 1] = MARKER;
}

static void domain_a_isolated(void)
{
	a_word = 0xaaaau;
	case_value = b_word;
}

static void domain_b_isolated(void)
{
	b_word = 0xbbbbu;
	case_value = a_word;
}

/* ---- The cases ------------------------------------------------------------------------ */

struct mem_case {
	const char *name;
	void (*run)(void);
	struct k_mem_domain *domain;
	/* main, between creating the thread (not started) and starting it */
	void (*prepare)(struct k_thread *thread);
	/* NULL if all is well, else why not (after the thread ended) */
	const char *(*check)(void);
	uint32_t options;
	bool faults;
	unsigned int reason;
	volatile int *reached; /* where the thread notes that it got past run() */
};

static void arg_other_stack_bottom(struct k_thread *thread)
{
	ARG_UNUSED(thread);
	case_arg = bystander_thread.stack_info.start;
}

static void arg_other_stack_top(struct k_thread *thread)
{
	ARG_UNUSED(thread);
	case_arg = bystander_thread.stack_info.start + bystander_thread.stack_info.size - 4;
}

static void arg_priv_stack(struct k_thread *thread)
{
	case_arg = thread->arch.priv_stack_start;
}

static void arg_priv_stack_top(struct k_thread *thread)
{
	case_arg = thread->arch.priv_stack_start + CONFIG_PRIVILEGED_STACK_SIZE - 4;
}

static void arg_heap(struct k_thread *thread)
{
	ARG_UNUSED(thread);
	case_arg = (uintptr_t)heap_code;
}

static const char *check_kernel_ram_intact(void)
{
	return kernel_ram_word == 0x1234abcdu ? NULL : "kernel RAM was written";
}

static const char *check_rodata_value(void)
{
	return case_value == kernel_rodata_word ? NULL : "wrong rodata value";
}

static const char *check_other_stack(void)
{
	if (case_arg < (uintptr_t)bystander_stack ||
	    case_arg >= (uintptr_t)bystander_stack + sizeof(bystander_stack)) {
		return "stack_info does not lie in the bystander's stack";
	}
	return NULL;
}

static const char *check_priv_stack(void)
{
	return case_arg != 0 ? NULL : "no privileged stack";
}

static const char *check_edge_last_byte(void)
{
	const volatile uint8_t *start = (const volatile uint8_t *)Z_APP_START(edge_part);
	size_t size = (size_t)Z_APP_SIZE(edge_part);

	if (start[size - 1] != MARKER || edge_bytes[1] != MARKER) {
		return "the last byte was not written";
	}
	return NULL;
}

static const char *check_edge_past_end(void)
{
	return edge_bytes[2] == MARKER ? NULL : "the last byte was not read";
}

static const char *check_control(void)
{
	return case_flag == 1 ? NULL : "k_is_user_context() false after writing CONTROL";
}

static const char *check_user_mode_enter(void)
{
	if (case_value != kernel_ram_word) {
		return "the supervisor part did not read kernel RAM";
	}
	return case_flag == 2 ? NULL : "not in user mode after k_thread_user_mode_enter";
}

static const char *check_partition_rw(void)
{
	if (case_value != 0x600dcafeu) {
		return "the initial value was not there";
	}
	return case_flag && data_word == 0x12345678u ? NULL : "the write did not land";
}

static const char *check_bss_zeroed(void)
{
	return case_flag ? NULL : "K_APP_BMEM data was not zero";
}

static const char *check_ro_read(void)
{
	return case_value == 0x5b5au ? NULL : "wrong value read";
}

static const char *check_ro_intact(void)
{
	return ro_buffer[RO_SIZE - 1] == 0 ? NULL : "the read-only partition was written";
}

static const char *check_a_written(void)
{
	return a_word == 0xaaaau ? NULL : "own partition not written";
}

static const char *check_b_written(void)
{
	return b_word == 0xbbbbu ? NULL : "own partition not written";
}

#define CASE(name_, domain_, faults_, ...)                                                    \
	{                                                                                     \
		.name = #name_, .run = name_, .domain = &domain_, .options = K_USER,          \
		.faults = (faults_), .reason = K_ERR_CPU_EXCEPTION,                           \
		.reached = &reached_after_fault, __VA_ARGS__                                  \
	}

static const struct mem_case cases[] = {
	CASE(read_kernel_ram, case_domain, true),
	CASE(write_kernel_ram, case_domain, true, .check = check_kernel_ram_intact),
	CASE(read_kernel_object, case_domain, true),
	CASE(read_rodata, case_domain, false, .check = check_rodata_value),
	CASE(write_rodata, case_domain, true),
	CASE(write_text, case_domain, true),
	{ .name = "read_other_stack", .run = read_at_arg, .domain = &case_domain,
	  .prepare = arg_other_stack_bottom, .check = check_other_stack, .options = K_USER,
	  .faults = true, .reason = K_ERR_CPU_EXCEPTION, .reached = &reached_after_fault },
	{ .name = "write_other_stack", .run = write_at_arg, .domain = &case_domain,
	  .prepare = arg_other_stack_top, .check = check_other_stack, .options = K_USER,
	  .faults = true, .reason = K_ERR_CPU_EXCEPTION, .reached = &reached_after_fault },
	{ .name = "read_priv_stack", .run = read_at_arg, .domain = &case_domain,
	  .prepare = arg_priv_stack, .check = check_priv_stack, .options = K_USER,
	  .faults = true, .reason = K_ERR_CPU_EXCEPTION, .reached = &reached_after_fault },
	{ .name = "write_priv_stack", .run = write_at_arg, .domain = &case_domain,
	  .prepare = arg_priv_stack_top, .check = check_priv_stack, .options = K_USER,
	  .faults = true, .reason = K_ERR_CPU_EXCEPTION, .reached = &reached_after_fault },
	CASE(exec_partition, case_domain, true),
	CASE(exec_stack, case_domain, true),
	{ .name = "exec_heap", .run = exec_at_arg, .domain = &case_domain, .prepare = arg_heap,
	  .options = K_USER, .faults = true, .reason = K_ERR_CPU_EXCEPTION,
	  .reached = &reached_after_fault },
	CASE(exec_rx_partition, rx_domain, false),
	CASE(exec_past_rx_partition, rx_domain, true),
	CASE(partition_last_byte, edge_domain, false, .check = check_edge_last_byte,
	     .reached = &edge_reached),
	CASE(partition_past_end, edge_domain, true, .check = check_edge_past_end,
	     .reached = &edge_reached),
	CASE(write_control, case_domain, true, .check = check_control),
	CASE(user_mode_enter, case_domain, true, .check = check_user_mode_enter, .options = 0),
	CASE(partition_rw, case_domain, false, .check = check_partition_rw),
	CASE(partition_bss_zeroed, case_domain, false, .check = check_bss_zeroed),
	CASE(ro_partition_read, case_domain, false, .check = check_ro_read),
	CASE(ro_partition_write, case_domain, true, .check = check_ro_intact),
	CASE(domain_a_isolated, a_domain, true, .check = check_a_written),
	CASE(domain_b_isolated, b_domain, true, .check = check_b_written),
};

static void case_entry(void *p1, void *p2, void *p3)
{
	const struct mem_case *c = p1;

	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	c->run();
	*c->reached = 1;
}

static const char *run_case(const struct mem_case *c)
{
	unsigned int calls_before = handler_calls;

	case_arg = 0;
	case_value = 0;
	case_flag = 0;
	reached_after_fault = 0;
	edge_reached = 0;
	last_reason = UINT_MAX;
	k_thread_create(&case_thread, case_stack, K_THREAD_STACK_SIZEOF(case_stack), case_entry,
			(void *)c, NULL, NULL, CASE_PRIORITY, c->options, K_FOREVER);
	k_thread_name_set(&case_thread, c->name);
	if (k_mem_domain_add_thread(c->domain, &case_thread) != 0) {
		k_thread_abort(&case_thread);
		return "k_mem_domain_add_thread failed";
	}
	if (c->prepare != NULL) {
		c->prepare(&case_thread);
	}
	k_thread_start(&case_thread);
	if (k_thread_join(&case_thread, K_MSEC(100)) != 0) {
		k_thread_abort(&case_thread);
		return "the thread did not end";
	}
	if (handler_calls != calls_before + (c->faults ? 1u : 0u)) {
		return c->faults ? "no fault" : "unexpected fault";
	}
	if (c->faults && last_reason != c->reason) {
		return "wrong fault reason";
	}
	if (c->faults == (*c->reached != 0)) {
		return c->faults ? "the thread went on after it" : "the thread stopped early";
	}
	return c->check != NULL ? c->check() : NULL;
}

static void bystander_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	k_sleep(K_FOREVER);
}

static int setup_domains(void)
{
	struct k_mem_partition *case_parts[] = { &params_part, &data_part, &ro_part };
	struct k_mem_partition *edge_parts[] = { &edge_part };
	struct k_mem_partition *rx_parts[] = { &params_part, &rx_part };
	struct k_mem_partition *a_parts[] = { &params_part, &a_part };
	struct k_mem_partition *b_parts[] = { &params_part, &b_part };
	int ret = 0;

	ret |= k_mem_domain_init(&case_domain, ARRAY_SIZE(case_parts), case_parts);
	ret |= k_mem_domain_init(&edge_domain, ARRAY_SIZE(edge_parts), edge_parts);
	ret |= k_mem_domain_init(&rx_domain, ARRAY_SIZE(rx_parts), rx_parts);
	ret |= k_mem_domain_init(&a_domain, ARRAY_SIZE(a_parts), a_parts);
	ret |= k_mem_domain_init(&b_domain, ARRAY_SIZE(b_parts), b_parts);
	return ret;
}

int main(void)
{
	if (setup_domains() != 0) {
		printk("FAIL setup: k_mem_domain_init\n");
		return 0;
	}
	heap_code = malloc(2 * sizeof(uint16_t));
	if (heap_code == NULL) {
		printk("FAIL setup: malloc\n");
		return 0;
	}
	heap_code[0] = THUMB_BX_LR;
	heap_code[1] = THUMB_BX_LR;

	k_thread_create(&bystander_thread, bystander_stack, K_THREAD_STACK_SIZEOF(bystander_stack),
			bystander_entry, NULL, NULL, NULL, CASE_PRIORITY, K_USER, K_NO_WAIT);
	k_thread_name_set(&bystander_thread, "bystander");
	k_msleep(1); /* the bystander runs and goes to sleep */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct mem_case *c = &cases[i];
		const char *why = run_case(c);

		if (c->prepare != NULL || c->run == exec_stack) {
			printk("ADDR %s %#lx\n", c->name, (unsigned long)case_arg);
		}
		if (why != NULL) {
			printk("FAIL %s: %s\n", c->name, why);
		} else {
			printk("PASS %s\n", c->name);
		}
	}

	/* The system runs on: the bystander still sleeps, and can be woken and joined. */
	k_thread_resume(&bystander_thread);
	if (k_thread_join(&bystander_thread, K_MSEC(100)) == 0) {
		printk("PASS runs_on\n");
	} else {
		printk("FAIL runs_on: the bystander did not end\n");
	}
	printk("DONE\n");
	return 0;
}
