/* Hardening cases: each runs in its own thread and reports what happened; the fatal
 * handler returns, so only a faulting thread ends. The test reads the lines and the
 * trace's fault events and checks them against the options the build enabled.
 *
 *   RESULT <case> <detail>   the case finished without a fault
 *   HANDLER <reason>         the fatal handler ran for the case before it
 */
#include <zephyr/kernel.h>
#include <string.h>

#define CASE_STACK 1024
#define RECURSION_STACK 1024
#define MOAT 2048
#define MOAT_FILL 0x5a

K_THREAD_STACK_DEFINE(case_stack, CASE_STACK);
static struct k_thread case_thread;
static struct k_thread extra_threads[3];
K_THREAD_STACK_ARRAY_DEFINE(extra_stacks, 3, 1024);

/* The recursion case's stack sits on top of a moat the test owns: an overflow that is not
 * caught lands in the moat, where it can be seen. */
static uint8_t __aligned(1024) recursion_area[MOAT + RECURSION_STACK];

static const uint32_t in_flash __attribute__((section(".rodata.in_flash"), used)) = 0x1234;
static volatile uintptr_t null_address; /* 0, hidden from the optimiser */
static volatile uint32_t sink;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("HANDLER %u\n", reason);
}

/* ---- canary smash: a string copy runs over a local buffer ----------------------------- */

static void __attribute__((noinline)) copy_name(const char *source, volatile size_t length)
{
	char name[16];

	memcpy(name, source, length);
	sink = (uint32_t)name[0];
}

static void canary_smash(void)
{
	char attack[64];

	memset(attack, 0xee, sizeof(attack)); /* would become the return address */
	copy_name(attack, sizeof(attack));
	printk("RESULT canary_smash returned\n");
}

/* ---- deep recursion on a small stack --------------------------------------------------- */

/* Every byte of each frame is written, as most real frames are: an MPU guard smaller
 * than a frame with untouched holes could be jumped over (the limit register of ARMv8-M
 * could not). */
static int __attribute__((noinline)) recurse(int depth)
{
	volatile uint32_t frame[4];

	for (int i = 0; i < 4; i++) {
		frame[i] = (uint32_t)depth;
	}
	if (depth == 0) {
		return (int)frame[0];
	}
	return recurse(depth - 1) + (int)frame[3];
}

static void deep_recursion_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	sink = (uint32_t)recurse(64); /* about 2 KiB: more than the 1 KiB stack */
	printk("RESULT deep_recursion returned\n");
}

/* ---- execution from the stack ---------------------------------------------------------- */

static void exec_stack(void)
{
	volatile uint16_t code[2] __aligned(4) = {0x4770, 0x4770}; /* bx lr */
	void (*function)(void) = (void (*)(void))((uintptr_t)code | 1);

	function();
	printk("RESULT exec_stack executed\n");
}

/* ---- writes to flash and reads through a null pointer ----------------------------------- */

static void flash_write(void)
{
	volatile uint32_t *target = (volatile uint32_t *)&in_flash;

	*target = 0x5678;
	printk("RESULT flash_write wrote %#x\n", (unsigned int)*target);
}

static void null_read(void)
{
	volatile uint32_t *pointer = (volatile uint32_t *)null_address;

	printk("RESULT null_read read %#x\n", (unsigned int)*pointer);
}

/* ---- stack usage and stack pointers ---------------------------------------------------- */

static void stack_space(void)
{
#ifdef CONFIG_INIT_STACKS
	size_t unused = 0;
	int result = k_thread_stack_space_get(k_current_get(), &unused);

	printk("RESULT stack_space %d size %u unused %u\n", result,
	       (unsigned int)k_current_get()->stack_info.size, (unsigned int)unused);
#else
	printk("RESULT stack_space disabled\n");
#endif
}

extern uintptr_t __stack_chk_guard;

static void report_thread(void *p1, void *p2, void *p3)
{
	volatile uint32_t local = 0;
	const struct k_thread *self = k_current_get();
	uintptr_t top = self->stack_info.start + self->stack_info.size;

	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
#ifdef CONFIG_STACK_CANARIES
	uint32_t canary = (uint32_t)__stack_chk_guard;
#else
	uint32_t canary = 0;
#endif
	printk("RESULT thread %d depth %u delta %u canary %08x\n", (int)(uintptr_t)p1,
	       (unsigned int)(top - (uintptr_t)&local), (unsigned int)self->stack_info.delta,
	       (unsigned int)canary);
}

/* ---- the runner ------------------------------------------------------------------------ */

struct hardening_case {
	const char *name;
	void (*run)(void);
};

static void case_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	((const struct hardening_case *)p1)->run();
}

static const struct hardening_case cases[] = {
	{"canary_smash", canary_smash},
	{"exec_stack", exec_stack},
	{"flash_write", flash_write},
	{"null_read", null_read},
	{"stack_space", stack_space},
};

static void run_thread(const char *name, k_thread_stack_t *stack, size_t size,
		       k_thread_entry_t entry, void *p1)
{
	k_thread_create(&case_thread, stack, size, entry, p1, NULL, NULL, K_PRIO_PREEMPT(5), 0,
			K_FOREVER);
	k_thread_name_set(&case_thread, name);
	k_thread_start(&case_thread);
	(void)k_thread_join(&case_thread, K_MSEC(100));
}

int main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		run_thread(cases[i].name, case_stack, K_THREAD_STACK_SIZEOF(case_stack), case_entry,
			   (void *)&cases[i]);
	}

	memset(recursion_area, MOAT_FILL, MOAT);
	run_thread("deep_recursion", (k_thread_stack_t *)&recursion_area[MOAT], RECURSION_STACK,
		   deep_recursion_entry, NULL);
	size_t moat_changed = 0;

	for (size_t i = 0; i < MOAT; i++) {
		moat_changed += recursion_area[i] != MOAT_FILL;
	}
	printk("RESULT moat changed %u\n", (unsigned int)moat_changed);

	for (int i = 0; i < 3; i++) {
		k_thread_create(&extra_threads[i], extra_stacks[i], K_THREAD_STACK_SIZEOF(extra_stacks[i]),
				report_thread, (void *)(uintptr_t)i, NULL, NULL, K_PRIO_PREEMPT(5), 0,
				K_FOREVER);
		k_thread_name_set(&extra_threads[i], "reporter");
		k_thread_start(&extra_threads[i]);
		(void)k_thread_join(&extra_threads[i], K_MSEC(100));
	}
	printk("DONE\n");
	return 0;
}
