/* Fatal errors and hint instructions (attacks on the fatal error path and the CPU's idle
 * instructions):
 *
 * - a user thread may raise only K_ERR_KERNEL_OOPS and K_ERR_STACK_CHK_FAIL (Zephyr's
 *   arch_syscall_oops / z_do_kernel_oops): k_panic() and any other reason it passes to
 *   the raise-exception SVC (`svc #2`, the reason in r0) are reported as an oops;
 * - a supervisor thread's k_oops() is an oops (the control case);
 * - WFE, YIELD, SEV and NOP are no-ops in user and supervisor threads; WFI idles the CPU
 *   until the next interrupt (here the next tick: CONFIG_TICKLESS_KERNEL=n) and goes on
 *   after the instruction, without letting a ready thread of lower priority run.
 */
#include "../../attack_common/attack.h"

/* Cycles a WFI may take past the tick boundary that wakes it (the tick's interrupt and
 * the k_cycle_get_32 call after it), and how far from the next boundary the WFI must
 * start so that this boundary is the one that wakes it. */
#define WFI_SLACK 2000u
#define WFI_MARGIN 2000u

/* A thread of lower priority than the case, ready while the case runs. */
static struct k_thread bystander_thread;
K_THREAD_STACK_DEFINE(bystander_stack, STACK_SIZE);
K_APP_BMEM(test_part) static volatile int bystander_ran;
K_APP_BMEM(test_part) static volatile uint32_t wfi_before;
K_APP_BMEM(test_part) static volatile uint32_t wfi_after;
K_APP_BMEM(test_part) static volatile uint32_t wfi_boundary;

int suite_init(void)
{
	return 0;
}

/* ---- Raising fatal errors ---------------------------------------------------------- */

static void raise_reason(uint32_t reason)
{
	register uint32_t r0 __asm__("r0") = reason;

	__asm__ volatile("svc #2" : : "r"(r0) : "memory");
}

static int raise_body(const void *arg)
{
	expect_fault();
	raise_reason((uint32_t)(uintptr_t)arg);
	return __LINE__;
}

static int panic_body(const void *arg)
{
	ARG_UNUSED(arg);
	expect_fault();
	k_panic();
	return __LINE__;
}

static int oops_body(const void *arg)
{
	ARG_UNUSED(arg);
	expect_fault();
	k_oops();
	return __LINE__;
}

/* ---- Hint instructions -------------------------------------------------------------- */

static void bystander_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	bystander_ran = 1;
}

/* Ready, but of lower priority than the case thread: it runs only once the case ends. */
static void start_bystander(void)
{
	bystander_ran = 0;
	k_thread_create(&bystander_thread, bystander_stack, K_THREAD_STACK_SIZEOF(bystander_stack),
			bystander_entry, NULL, NULL, NULL, CASE_PRIO + 1, 0, K_NO_WAIT);
	k_thread_name_set(&bystander_thread, "bystander");
}

static int bystander_ran_after(void)
{
	CHECK(k_thread_join(&bystander_thread, K_MSEC(100)) == 0);
	CHECK(bystander_ran == 1);
	return 0;
}

static int hints_body(const void *arg)
{
	volatile int steps = 0;

	ARG_UNUSED(arg);
	__asm__ volatile("wfe" ::: "memory");
	steps++;
	__asm__ volatile("yield" ::: "memory");
	steps++;
	__asm__ volatile("sev" ::: "memory");
	steps++;
	__asm__ volatile("nop" ::: "memory");
	steps++;
	__asm__ volatile("sev\n\twfe" ::: "memory");
	steps++;
	CHECK(steps == 5);
	CHECK(bystander_ran == 0); /* no hint gave the CPU away */
	return 0;
}

static int wfi_body(const void *arg)
{
	uint32_t cycles_per_tick = sys_clock_hw_cycles_per_sec() / CONFIG_SYS_CLOCK_TICKS_PER_SEC;
	uint32_t before;
	uint32_t after;
	uint32_t boundary;

	ARG_UNUSED(arg);
	do {
		before = k_cycle_get_32();
	} while (cycles_per_tick - before % cycles_per_tick < WFI_MARGIN);
	boundary = before - before % cycles_per_tick + cycles_per_tick;
	__asm__ volatile("wfi" ::: "memory");
	after = k_cycle_get_32();
	wfi_before = before;
	wfi_after = after;
	wfi_boundary = boundary;
	CHECK(bystander_ran == 0);      /* WFI does not yield */
	CHECK(after >= boundary);       /* it idled until the tick ... */
	CHECK(after - boundary <= WFI_SLACK); /* ... and no longer */
	return 0;
}

static int print_wfi(void)
{
	printk("WFI %s before %u after %u boundary %u\n", k_thread_name_get(&case_thread),
	       wfi_before, wfi_after, wfi_boundary);
	return bystander_ran_after();
}

#define RAISE(name_, reason_, outcome_) \
	{ .name = (name_), .run = raise_body, .arg = (const void *)(uintptr_t)(reason_), \
	  .options = K_USER, .outcome = (outcome_) }

const struct attack_case cases[] = {
	{ .name = "user_panic", .run = panic_body, .options = K_USER, .outcome = OOPS },
	RAISE("user_raise_panic", 4, OOPS),
	RAISE("user_raise_cpu_exception", 0, OOPS),
	RAISE("user_raise_spurious_irq", 1, OOPS),
	RAISE("user_raise_deadbeef", 0xdeadbeefu, OOPS),
	RAISE("user_raise_oops", 3, OOPS),
	RAISE("user_raise_stack_chk_fail", 2, STACK_CHK_FAIL),
	{ .name = "supervisor_oops", .run = oops_body, .options = 0, .outcome = OOPS },
	{ .name = "user_hints", .run = hints_body, .options = K_USER, .outcome = RETURNS,
	  .setup = start_bystander, .check = bystander_ran_after },
	{ .name = "supervisor_hints", .run = hints_body, .options = 0, .outcome = RETURNS,
	  .setup = start_bystander, .check = bystander_ran_after },
	{ .name = "user_wfi", .run = wfi_body, .options = K_USER, .outcome = RETURNS,
	  .setup = start_bystander, .check = print_wfi },
	{ .name = "supervisor_wfi", .run = wfi_body, .options = 0, .outcome = RETURNS,
	  .setup = start_bystander, .check = print_wfi },
};
const size_t case_count = ARRAY_SIZE(cases);
