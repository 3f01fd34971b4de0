/* A system-call fuzzer: the kernel's worst-case guarantees under random raw system calls.
 *
 * main seeds a xorshift generator from sys_rand_get() (so `levante run --entropy-seed N`
 * picks the whole sequence), then runs FUZZ_ROUNDS rounds.  Each round starts a fuzz
 * thread, alternately a K_USER thread in a memory domain holding one partition and a
 * supervisor thread, which issues FUZZ_CALLS raw system calls (`svc #3`, number in r6)
 * with arguments drawn from a pool of interesting values: small and extreme integers,
 * timeouts, kernel objects granted and not granted, its own stack and partition, kernel
 * RAM (the crown jewel, in no partition), flash, other threads' stacks, the top of RAM,
 * unmapped addresses and random words.  Before each call the thread prints it
 * ("C <u|s><round> #<n> <name>(<args>)"), so the last such line reproduces a kernel crash.
 *
 * A user thread may call anything with anything: whatever it does, the kernel must
 * refuse it or serve it within the thread's view.  A supervisor is trusted (as in
 * Zephyr): it skips the calls that end the system by design and its pointers go only to
 * its own scratch buffer, known objects, NULL or unmapped memory; the kernel need only
 * survive it.  Fuzz threads often die (oops, MPU fault): k_sys_fatal_error_handler
 * returns, so the kernel aborts only them; it prints one FUZZ-FAULT line per fault.
 *
 * main joins each fuzz thread with a timeout, then aborts it and every thread it left
 * behind.  At the end it checks that the crown jewel and the bystander's stack canary
 * are unchanged, that no user-reachable memory ever held jewel bytes, that its own
 * objects still work, prints FUZZ-SUMMARY, the jewel (FUZZ-JEWEL, for the console leak
 * check) and DONE.
 */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/device.h>
#include <zephyr/drivers/entropy.h>
#include <zephyr/drivers/flash.h>
#include <zephyr/app_memory/app_memdomain.h>
#include <zephyr/random/random.h>
#include "fuzz_abi.h"
#include "fuzz_params.h"

#define FUZZ_PRIO K_PRIO_PREEMPT(5)
#define BYSTANDER_PRIO K_PRIO_PREEMPT(10)
#define FUZZ_STACK_SIZE 2048
#define SPARE_STACK_SIZE 1024
#define BYSTANDER_STACK_SIZE 1024
#define JEWEL_SIZE 64
#define LEAK_WINDOW 6 /* jewel bytes seen together that count as a leak */
#define CANARY_SIZE 96
#define SV_SCRATCH_SIZE 4608
#define SV_MAX_SIZE 64u /* sizes a supervisor passes: its scratch holds 64 * 64 bytes */
#define SV_MAX_OFFSET 256u
#define FLASH_END 0x00100000u /* both boards: 1 MiB of flash at 0 */
#define RAM_START 0x20000000u
#define SVC_EXCEPT_CHANCE 256 /* one call in this many is `svc #2` (k_oops with a reason) */

/* ---- What the fuzz threads aim at ---------------------------------------------------- */

static void timer_expiry(struct k_timer *timer);
static void timer_stop(struct k_timer *timer);

K_SEM_DEFINE(sem_granted, 0, 4);
K_SEM_DEFINE(sem_denied, 1, 1);
K_MUTEX_DEFINE(mutex_granted);
K_MUTEX_DEFINE(mutex_denied);
K_MSGQ_DEFINE(msgq_granted, 8, 4, 4);
K_MSGQ_DEFINE(msgq16_granted, 16, 2, 4);
K_MSGQ_DEFINE(msgq_denied, 8, 2, 4);
K_EVENT_DEFINE(event_granted);
K_EVENT_DEFINE(event_denied);
K_TIMER_DEFINE(timer_granted, timer_expiry, timer_stop);
K_TIMER_DEFINE(timer_denied, NULL, NULL);

/* main's own objects: in no pool, checked at the end. */
K_SEM_DEFINE(main_sem, 0, 1);
K_MSGQ_DEFINE(main_msgq, 4, 2, 4);

struct k_thread fuzz_thread;
struct k_thread spare_thread;
struct k_thread bystander_thread;
K_THREAD_STACK_DEFINE(fuzz_stack, FUZZ_STACK_SIZE);
K_THREAD_STACK_DEFINE(spare_stack, SPARE_STACK_SIZE);
K_THREAD_STACK_DEFINE(bystander_stack, BYSTANDER_STACK_SIZE);
K_THREAD_STACK_EXTERN(z_main_stack);
K_KERNEL_STACK_EXTERN(z_interrupt_stack);
extern char z_priv_stacks[];
extern char z_kernel_pool[];
extern struct k_thread z_main_thread;
extern char __heap_end[]; /* the end of RAM */
extern struct k_mem_partition z_libc_partition;

static struct k_mem_domain fuzz_domain;
static struct k_mem_domain spare_domain;

K_APPMEM_PARTITION_DEFINE(fuzz_part);
K_APP_BMEM(fuzz_part) uint8_t part_scratch[1024];
K_APP_BMEM(fuzz_part) volatile uint32_t part_calls;

K_APPMEM_PARTITION_DEFINE(spare_part);
K_APP_BMEM(spare_part) uint8_t spare_bytes[64];

uint8_t __aligned(64) ro_buffer[64];
K_MEM_PARTITION_DEFINE(ro_part, ro_buffer, sizeof(ro_buffer), K_MEM_PARTITION_P_RW_U_RO);

/* The partitions a supervisor may hand k_mem_domain_init (flash). */
static struct k_mem_partition *const sv_parts[] = { &fuzz_part, &spare_part, &ro_part,
						     &fuzz_part };

/* Kernel RAM in no partition, random from the seed: no user thread may read or write it. */
uint8_t __aligned(8) crown_jewel[JEWEL_SIZE];

/* A supervisor's buffers. */
static uint8_t __aligned(8) sv_scratch[SV_SCRATCH_SIZE];

/* Flash: read-only data and code. */
const uint32_t flash_table[16] = { 0x600dc0de, 1, 2, 3, 0xffffffffu, 0x80000000u };

static const struct device *const entropy_dev = DEVICE_DT_GET(DT_CHOSEN(zephyr_entropy));
#ifdef CONFIG_FLASH
static const struct device *const flash_dev = DEVICE_DT_GET(DT_CHOSEN(zephyr_flash_controller));
#else
static const struct device *const flash_dev;
#endif

/* ---- Bookkeeping (kernel memory: main and the fatal error handler) ------------------- */

static k_tid_t main_tid;
static volatile uint32_t current_round;
static volatile int round_is_user;
static volatile uint32_t fault_count;
static volatile uint32_t bad_faults;     /* main or the bystander faulted */
static volatile uint32_t bad_user_reason; /* a user thread died with another reason */
static volatile uint32_t faults_by_reason[5];
static volatile uint32_t timer_expiries;
static volatile uint8_t *volatile canary_at; /* the bystander's canary, on its stack */
static uint32_t canary_seed;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	k_tid_t thread = k_current_get();
	const char *who = thread == main_tid		  ? "main"
			  : thread == &bystander_thread ? "bystander"
			  : thread == &fuzz_thread	  ? "self"
							  : "child";

	ARG_UNUSED(esf);
	fault_count++;
	faults_by_reason[reason < 5 ? reason : 4]++;
	if (thread == main_tid || thread == &bystander_thread) {
		bad_faults++;
	}
	if (round_is_user && reason != K_ERR_KERNEL_OOPS && reason != K_ERR_CPU_EXCEPTION &&
	    reason != K_ERR_STACK_CHK_FAIL) {
		bad_user_reason++;
	}
	printk("FUZZ-FAULT %u %c %s %u\n", current_round, round_is_user ? 'u' : 's', who, reason);
	/* Returning: the kernel aborts only the faulting thread. */
}

static void timer_expiry(struct k_timer *timer)
{
	ARG_UNUSED(timer);
	timer_expiries++;
}

static void timer_stop(struct k_timer *timer)
{
	ARG_UNUSED(timer);
}

/* ---- The generator -------------------------------------------------------------------- */

static uint32_t xorshift(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static uint32_t below(uint32_t *state, uint32_t n)
{
	return xorshift(state) % n;
}

static uint8_t canary_byte(uint32_t seed, size_t i)
{
	return (uint8_t)((seed >> (8 * (i % 4))) ^ (i * 37u) ^ 0x5a);
}

/* ---- Threads that are not the fuzzer ----------------------------------------------- */

/* What a well-behaved child runs (the entry a fuzz thread may pass). */
void child_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	k_sleep(K_TICKS((uint32_t)(uintptr_t)p1 & 7u));
	k_yield();
}

/* A supervisor thread that keeps a canary on its stack and sleeps for good. */
static void bystander_entry(void *p1, void *p2, void *p3)
{
	uint8_t canary[CANARY_SIZE];

	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (size_t i = 0; i < sizeof(canary); i++) {
		canary[i] = canary_byte((uint32_t)(uintptr_t)p1, i);
	}
	canary_at = canary;
	for (;;) {
		k_sleep(K_FOREVER);
	}
}

/* ---- Drawing arguments ---------------------------------------------------------------- */

struct fuzz_state {
	uint32_t rng;
	uint32_t last_result;
	uint32_t round;
	uint32_t hostility;
	int user;
};

static const uint32_t interesting_ints[] = {
	0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 33, 64, 255, 256, 1000, 1024, 4096, 0xffff,
	0x10000, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu, 0xfffffff0u, 0xffff0000u,
};
static const int32_t interesting_timeouts[] = {
	0 /* K_NO_WAIT */, -1 /* K_FOREVER */, -2 /* K_TICKS(-2) */, 1, 2, 3, 10, 100,
	0x7fffffff, (int32_t)0x80000000, -100,
};
static const int32_t interesting_prios[] = { -16, -15, -1, 0, 1, 4, 5, 6, 10, 14, 15, 16, 100,
					     0x7fffffff, (int32_t)0x80000000 };
static const uint32_t interesting_options[] = { 0, K_USER, K_ESSENTIAL, K_INHERIT_PERMS,
						K_USER | K_INHERIT_PERMS, K_FP_REGS, 0xffffffffu,
						K_USER | K_ESSENTIAL };

#define PICK(state, array) (array)[below((state), ARRAY_SIZE(array))]

/* Every address of interest, for anyone (a user thread draws from here freely). */
static uint32_t any_address(struct fuzz_state *st)
{
	uint32_t local;

	switch (below(&st->rng, 44)) {
	case 0: return (uint32_t)&sem_granted;
	case 1: return (uint32_t)&sem_denied;
	case 2: return (uint32_t)&mutex_granted;
	case 3: return (uint32_t)&mutex_denied;
	case 4: return (uint32_t)&msgq_granted;
	case 5: return (uint32_t)&msgq16_granted;
	case 6: return (uint32_t)&msgq_denied;
	case 7: return (uint32_t)&event_granted;
	case 8: return (uint32_t)&event_denied;
	case 9: return (uint32_t)&timer_granted;
	case 10: return (uint32_t)&timer_denied;
	case 11: return (uint32_t)crown_jewel;
	case 12: return (uint32_t)crown_jewel + JEWEL_SIZE - 4;
	case 13: return (uint32_t)flash_table;
	case 14: return (uint32_t)child_entry;
	case 15: return (uint32_t)fuzz_stack + 128;         /* its own stack, below its frames */
	case 16: return (uint32_t)fuzz_stack + 600;
	case 17: return (uint32_t)&local;                   /* its own frame */
	case 18: return (uint32_t)part_scratch;             /* its partition */
	case 19: return (uint32_t)part_scratch + sizeof(part_scratch) - 8;
	case 20: return (uint32_t)z_main_stack + 256;       /* other threads' stacks */
	case 21: return (uint32_t)bystander_stack + BYSTANDER_STACK_SIZE / 2;
	case 22: return (uint32_t)spare_stack;
	case 23: return (uint32_t)z_priv_stacks;
	case 24: return (uint32_t)z_kernel_pool + 64;
	case 25: return (uint32_t)z_interrupt_stack + 64;
	case 26: return (uint32_t)__heap_end - 4;           /* the top of RAM */
	case 27: return (uint32_t)__heap_end;               /* one past it */
	case 28: return 0x10000000u;                        /* unmapped */
	case 29: return 0x60000000u;
	case 30: return 0xe000ed00u;                        /* the system control block */
	case 31: return 0xfffffffcu;
	case 32: return (uint32_t)&z_main_thread;
	case 33: return (uint32_t)&bystander_thread;
	case 34: return (uint32_t)&fuzz_thread;
	case 35: return (uint32_t)&spare_thread;
	case 36: return (uint32_t)entropy_dev;
	case 37: return (uint32_t)flash_dev;
	case 38: return (uint32_t)&fuzz_domain;
	case 39: return (uint32_t)&k_mem_domain_default;
	case 40: return (uint32_t)&fuzz_part;
	case 41: return (uint32_t)&ro_part;
	case 42: return st->last_result;
	default: return xorshift(&st->rng);
	}
}

static uint32_t any_value(struct fuzz_state *st)
{
	switch (below(&st->rng, 4)) {
	case 0: return PICK(&st->rng, interesting_ints);
	case 1: return (uint32_t)PICK(&st->rng, interesting_timeouts);
	case 2: return xorshift(&st->rng);
	default: return any_address(st);
	}
}

static uint32_t sv_buffer(struct fuzz_state *st)
{
	switch (below(&st->rng, 32)) {
	case 0: return 0;
	case 1: return (uint32_t)__heap_end;
	case 2: return 0xfffffffcu;
	case 3: return 0x10000000u;
	default: return (uint32_t)sv_scratch + below(&st->rng, SV_MAX_OFFSET);
	}
}

/* How hostile a round is: one draw in `hostility` is a bad one (an object of the wrong
 * kind or not granted, a buffer outside the thread's memory, an extreme size, a number
 * that is not a call).  Gentle rounds live long enough to reach the kernel's deeper
 * states, hostile ones test its refusals. */
static const uint32_t hostilities[] = { 64, 16, 6, 2 };

static bool hostile(struct fuzz_state *st)
{
	return below(&st->rng, st->hostility) == 0;
}

static uint32_t pick2(struct fuzz_state *st, const void *usable, const void *refused)
{
	if (!hostile(st)) {
		return (uint32_t)usable;
	}
	return below(&st->rng, 2) || !st->user ? (uint32_t)refused : any_address(st);
}

/* A value of the parameter's kind; for a supervisor, only ones it may pass. */
static uint32_t typed_value(struct fuzz_state *st, uint8_t kind)
{
	bool sv = !st->user;

	switch (kind) {
	case FK_SIZE:
		if (sv) {
			return below(&st->rng, SV_MAX_SIZE + 1);
		}
		return hostile(st) ? PICK(&st->rng, interesting_ints) : below(&st->rng, 65);
	case FK_STACK_SIZE:
		/* A supervisor's child gets a stack it can run on (nobody checks its size). */
		if (sv || !hostile(st)) {
			return SPARE_STACK_SIZE / 2 + below(&st->rng, SPARE_STACK_SIZE / 2 + 1);
		}
		return PICK(&st->rng, interesting_ints);
	case FK_TIMEOUT:
		switch (below(&st->rng, 4)) {
		case 0: return 0; /* K_NO_WAIT */
		case 1: return 1 + below(&st->rng, 5);
		default: return (uint32_t)PICK(&st->rng, interesting_timeouts);
		}
	case FK_BUF:
		if (sv) {
			return hostile(st) ? sv_buffer(st)
					   : (uint32_t)sv_scratch + below(&st->rng, SV_MAX_OFFSET);
		}
		if (hostile(st)) {
			return any_address(st);
		}
		return below(&st->rng, 2) ? (uint32_t)fuzz_stack + 128 + below(&st->rng, 64)
					  : (uint32_t)part_scratch + below(&st->rng, 64);
	case FK_ENTRY:
		if (sv || !hostile(st)) {
			return below(&st->rng, 8) ? (uint32_t)child_entry : 0;
		}
		return any_address(st);
	case FK_CALLBACK: /* runs in an ISR: a supervisor hands only ones that may */
		if (sv || !hostile(st)) {
			switch (below(&st->rng, 3)) {
			case 0: return (uint32_t)timer_expiry;
			case 1: return (uint32_t)timer_stop;
			default: return 0;
			}
		}
		return any_address(st);
	case FK_PRIO: {
		int32_t prio = hostile(st) ? PICK(&st->rng, interesting_prios)
					   : FUZZ_PRIO + (int32_t)below(&st->rng, 8);

		/* A supervisor never outranks main nor leaves the preemptible range. */
		return sv ? (uint32_t)CLAMP(prio, FUZZ_PRIO, K_LOWEST_APPLICATION_THREAD_PRIO)
			  : (uint32_t)prio;
	}
	case FK_OPTIONS: {
		uint32_t options = hostile(st) ? PICK(&st->rng, interesting_options)
					       : (below(&st->rng, 2) ? K_USER : K_USER | K_INHERIT_PERMS);

		return sv ? options & (K_USER | K_INHERIT_PERMS) : options;
	}
	case FK_OTYPE:
		return hostile(st) ? xorshift(&st->rng) : below(&st->rng, 12);
	case FK_SEM: return pick2(st, &sem_granted, &sem_denied);
	case FK_MUTEX: return pick2(st, &mutex_granted, &mutex_denied);
	case FK_MSGQ:
		return pick2(st, below(&st->rng, 2) ? &msgq_granted : &msgq16_granted, &msgq_denied);
	case FK_EVENT: return pick2(st, &event_granted, &event_denied);
	case FK_TIMER: return pick2(st, &timer_granted, &timer_denied);
	case FK_THREAD:
		if (sv) { /* itself, the spare thread or NULL (see sv_sanitize) */
			return hostile(st) ? 0 : pick2(st, k_current_get(), &spare_thread);
		}
		if (hostile(st)) {
			switch (below(&st->rng, 4)) {
			case 0: return (uint32_t)&bystander_thread;
			case 1: return st->last_result;
			case 2: return sv ? 0 : any_address(st);
			default: return 0;
			}
		}
		return below(&st->rng, 6) ? (uint32_t)k_current_get() : (uint32_t)&spare_thread;
	case FK_STACK:
		if (hostile(st)) {
			return sv ? 0 : any_address(st);
		}
		return (uint32_t)spare_stack;
	case FK_ENTROPY_DEVICE: return pick2(st, entropy_dev, flash_dev);
	case FK_FLASH_DEVICE: return pick2(st, flash_dev, entropy_dev);
	case FK_DOMAIN:
		if (hostile(st)) {
			return sv ? (uint32_t)&k_mem_domain_default : any_address(st);
		}
		return below(&st->rng, 2) ? (uint32_t)&fuzz_domain : (uint32_t)&spare_domain;
	case FK_PART:
		if (hostile(st)) {
			return sv ? (uint32_t)&ro_part : any_address(st);
		}
		return below(&st->rng, 2) ? (uint32_t)&fuzz_part : (uint32_t)&spare_part;
	case FK_PARTS:
		return sv || !hostile(st) ? (uint32_t)sv_parts : any_address(st);
	case FK_OBJECT:
		if (sv) {
			return typed_value(st, FK_SEM + below(&st->rng, 7));
		}
		if (!hostile(st)) {
			return below(&st->rng, 4) ? typed_value(st, FK_SEM + below(&st->rng, 7))
						  : st->last_result;
		}
		return any_address(st);
	case FK_INT:
	default:
		return below(&st->rng, 3) ? PICK(&st->rng, interesting_ints) : xorshift(&st->rng);
	}
}

/* A supervisor's value must not reach memory it does not own: anything in RAM that is
 * not one of its objects or its scratch becomes its scratch, anything in flash NULL. */
static uint32_t sv_sanitize(uint8_t kind, uint32_t value)
{
	bool pointer = kind == FK_BUF || kind == FK_OBJECT || kind == FK_PARTS ||
		       kind == FK_STACK || kind == FK_THREAD;

	if (!pointer) {
		return value;
	}
	if (value == (uint32_t)main_tid) { /* main is not the supervisor's to touch */
		return 0;
	}
	if (kind == FK_THREAD) {
		/* Only itself and the spare thread: re-creating a thread over another
		 * object (the bystander, a timer) would take it from under main's checks. */
		if (value != 0 && value != (uint32_t)k_current_get() &&
		    value != (uint32_t)&spare_thread) {
			return (uint32_t)&spare_thread;
		}
		return value;
	}
	if (value > 0 && value < FLASH_END && kind != FK_PARTS) {
		return 0;
	}
	if (value >= RAM_START && value < (uint32_t)__heap_end && kind == FK_BUF &&
	    (value < (uint32_t)sv_scratch || value >= (uint32_t)sv_scratch + SV_MAX_OFFSET)) {
		return (uint32_t)sv_scratch;
	}
	return value;
}

/* ---- The trap ------------------------------------------------------------------------- */

static uint64_t raw_syscall(const uint32_t *a, uint32_t number)
{
	register uint32_t r0 __asm__("r0") = a[0];
	register uint32_t r1 __asm__("r1") = a[1];
	register uint32_t r2 __asm__("r2") = a[2];
	register uint32_t r3 __asm__("r3") = a[3];
	register uint32_t r4 __asm__("r4") = a[4];
	register uint32_t r5 __asm__("r5") = a[5];
	register uint32_t r6 __asm__("r6") = number;

	__asm__ volatile("svc #3"
			 : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6)
			 : "memory");
	return ((uint64_t)r1 << 32) | r0;
}

static void raw_oops(uint32_t reason)
{
	register uint32_t r0 __asm__("r0") = reason;

	__asm__ volatile("svc #2" : "+r"(r0) : : "memory");
}

/* Mostly a call the thread may make (one that cannot oops on its number alone), then
 * any number in [0, FUZZ_SYSCALL_COUNT + 3], now and then one far out of range. */
static uint32_t draw_number(struct fuzz_state *st)
{
	static const uint32_t far[] = { 0xffffffffu, 0x80000000u, 0x7fffffffu, 0x100u,
					FUZZ_SYSCALL_COUNT + 100u };

	for (;;) {
		uint32_t roll = below(&st->rng, 100);
		uint32_t number;

		if (roll < 3) {
			number = below(&st->rng, 2) ? PICK(&st->rng, far) : xorshift(&st->rng);
		} else if (hostile(st)) {
			number = below(&st->rng, FUZZ_SYSCALL_COUNT + 4);
		} else {
			uint32_t refused = FC_DISABLED | (st->user ? FC_SUPERVISOR_ONLY : 0u);

			do {
				number = 1 + below(&st->rng, FUZZ_SYSCALL_COUNT);
			} while ((fuzz_calls[number].flags & refused) != 0);
		}
		if (st->user) {
			return number;
		}
		if (number <= FUZZ_SYSCALL_COUNT &&
		    (fuzz_calls[number].flags & FC_SUPERVISOR_SKIPS) != 0) {
			continue;
		}
		return number;
	}
}

static void fuzz_one(struct fuzz_state *st, uint32_t index)
{
	uint32_t number = draw_number(st);
	const struct fuzz_call *call = number <= FUZZ_SYSCALL_COUNT ? &fuzz_calls[number] : NULL;
	uint32_t args[FUZZ_MAX_ARGS + 1] = { 0 };
	uint32_t regs[6];
	unsigned int argc = call != NULL && call->name != NULL ? call->argc : 6;
	/* A hostile user thread draws some calls without regard for the parameters' kinds. */
	bool typed = !st->user || !hostile(st) || below(&st->rng, 2);

	for (unsigned int i = 0; i < MAX(argc, 6u); i++) {
		uint8_t kind = i < argc && call != NULL && call->name != NULL ? call->kinds[i]
									   : FK_INT;

		args[i] = typed ? typed_value(st, kind) : any_value(st);
		if (!st->user) {
			args[i] = sv_sanitize(kind, args[i]);
		}
	}
	if (!st->user && number == LV_SYSCALL_K_BUSY_WAIT) {
		/* A supervisor is trusted to keep the CPU: one holding the interrupt or the
		 * scheduler lock that busy-waits for an hour stops every other thread by
		 * design (as in Zephyr), so its busy waits stay short. */
		args[0] %= 1000u;
	}
	memcpy(regs, args, sizeof(regs));
	if (argc > 6) {
		/* r5 points to the rest (arguments 5 and on), on the caller's stack. */
		regs[5] = typed ? (uint32_t)&args[5] : any_value(st);
		if (!st->user) {
			regs[5] = (uint32_t)&args[5];
		}
	}
	if (below(&st->rng, SVC_EXCEPT_CHANCE) == 0) {
		uint32_t reason = below(&st->rng, 2) ? below(&st->rng, 6) : xorshift(&st->rng);

		printk("C %c%u #%u svc2(%#x)\n", st->user ? 'u' : 's', st->round, index, reason);
		raw_oops(reason);
		return;
	}
	printk("C %c%u #%u %s#%u(%#x, %#x, %#x, %#x, %#x, %#x", st->user ? 'u' : 's', st->round,
	       index, call != NULL && call->name != NULL ? call->name : "?", number, regs[0],
	       regs[1], regs[2], regs[3], regs[4], regs[5]);
	for (unsigned int i = 6; i < argc; i++) {
		printk("%s%#x", i == 6 ? " | " : ", ", args[i]);
	}
	printk(")\n");
	st->last_result = (uint32_t)raw_syscall(regs, number);
}

static void fuzz_entry(void *p1, void *p2, void *p3)
{
	struct fuzz_state st = {
		.rng = (uint32_t)(uintptr_t)p1 | 1u,
		.user = (int)(uintptr_t)p2,
		.round = (uint32_t)(uintptr_t)p3,
	};

	st.hostility = PICK(&st.rng, hostilities);

	for (uint32_t i = 0; i < FUZZ_CALLS; i++) {
		fuzz_one(&st, i);
		if (st.user) {
			part_calls++;
		}
	}
}

/* ---- main ------------------------------------------------------------------------------- */

static void abort_leftover(const struct k_thread *thread, void *user_data)
{
	ARG_UNUSED(user_data);
	if (thread != main_tid && thread != &bystander_thread) {
		k_thread_abort((k_tid_t)thread);
	}
}

/* Where each byte value first occurs in the jewel, and where it occurs next (0xff: no
 * more), so that the leak scan looks only at the windows that can match. */
static uint8_t jewel_first[256];
static uint8_t jewel_next[JEWEL_SIZE];

static void index_jewel(void)
{
	memset(jewel_first, 0xff, sizeof(jewel_first));
	for (int j = JEWEL_SIZE - LEAK_WINDOW; j >= 0; j--) {
		jewel_next[j] = jewel_first[crown_jewel[j]];
		jewel_first[crown_jewel[j]] = (uint8_t)j;
	}
}

/* Do LEAK_WINDOW bytes of the jewel lie anywhere in [start, start + size)? */
static bool holds_jewel_bytes(const uint8_t *start, size_t size)
{
	for (size_t p = 0; p + LEAK_WINDOW <= size; p++) {
		for (uint8_t j = jewel_first[start[p]]; j != 0xff; j = jewel_next[j]) {
			if (memcmp(&start[p], &crown_jewel[j], LEAK_WINDOW) == 0) {
				return true;
			}
		}
	}
	return false;
}

static bool user_memory_leaked(void)
{
	return holds_jewel_bytes((const uint8_t *)fuzz_stack, sizeof(fuzz_stack)) ||
	       holds_jewel_bytes((const uint8_t *)spare_stack, sizeof(spare_stack)) ||
	       holds_jewel_bytes((const uint8_t *)Z_APP_START(fuzz_part),
				 (size_t)Z_APP_SIZE(fuzz_part)) ||
	       holds_jewel_bytes((const uint8_t *)Z_APP_START(spare_part),
				 (size_t)Z_APP_SIZE(spare_part));
}

static void grant_some(k_tid_t thread, uint32_t *rng)
{
	const void *const candidates[] = {
		&sem_granted, &mutex_granted, &msgq_granted, &msgq16_granted, &event_granted,
		&timer_granted, &spare_thread, spare_stack, entropy_dev, flash_dev,
	};

	for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
		if (candidates[i] != NULL && below(rng, 8) != 0) {
			k_object_access_grant(candidates[i], thread);
		}
	}
}

static void report(const char *name, bool ok, const char *why)
{
	if (ok) {
		printk("FUZZ-CHECK %s ok\n", name);
	} else {
		printk("FUZZ-CHECK %s FAILED: %s\n", name, why);
	}
}

int main(void)
{
	uint32_t rng;
	uint32_t jewel_rng;
	uint32_t timeouts = 0;
	uint32_t user_calls = 0;
	uint32_t leak_rounds = 0;
	uint32_t user_rounds = 0;

	main_tid = k_current_get();
	sys_rand_get(&rng, sizeof(rng));
	rng |= 1u;
	printk("FUZZ-SEED %08x rounds %u calls %u\n", rng, FUZZ_ROUNDS, FUZZ_CALLS);

	jewel_rng = xorshift(&rng) | 1u;
	for (uint32_t i = 0, state = jewel_rng; i < JEWEL_SIZE; i++) {
		crown_jewel[i] = (uint8_t)xorshift(&state);
	}
	index_jewel();
	canary_seed = xorshift(&rng);
	k_thread_create(&bystander_thread, bystander_stack, K_THREAD_STACK_SIZEOF(bystander_stack),
			bystander_entry, (void *)(uintptr_t)canary_seed, NULL, NULL, BYSTANDER_PRIO, 0,
			K_NO_WAIT);
	k_thread_name_set(&bystander_thread, "bystander");
	k_msleep(1);

	/* The C library's partition too: printk's stack protector reads __stack_chk_guard. */
	struct k_mem_partition *parts[] = { &fuzz_part, &z_libc_partition };

	if (k_mem_domain_init(&fuzz_domain, ARRAY_SIZE(parts), parts) != 0 ||
	    k_mem_domain_init(&spare_domain, 0, NULL) != 0) {
		printk("FUZZ-CHECK setup FAILED: k_mem_domain_init\n");
	}

	for (uint32_t round = 0; round < FUZZ_ROUNDS; round++) {
		int user = (round % 2) == 0;
		char name[16];

		current_round = round;
		round_is_user = user;
		part_calls = 0;
		k_thread_create(&fuzz_thread, fuzz_stack, K_THREAD_STACK_SIZEOF(fuzz_stack),
				fuzz_entry, (void *)(uintptr_t)xorshift(&rng), (void *)(uintptr_t)user,
				(void *)(uintptr_t)round,
				FUZZ_PRIO, user ? K_USER : 0, K_FOREVER);
		snprintk(name, sizeof(name), "fuzz_%c%u", user ? 'u' : 's', round);
		k_thread_name_set(&fuzz_thread, name);
		if (user) {
			/* A supervisor round may have taken the partition out: put it back. */
			(void)k_mem_domain_add_partition(&fuzz_domain, &fuzz_part);
			(void)k_mem_domain_add_partition(&fuzz_domain, &z_libc_partition);
			(void)k_mem_domain_add_thread(&fuzz_domain, &fuzz_thread);
			grant_some(&fuzz_thread, &rng);
		}
		k_thread_start(&fuzz_thread);
		if (k_thread_join(&fuzz_thread, K_MSEC(FUZZ_JOIN_MS)) != 0) {
			timeouts++;
		}
		/* The fuzz thread and whatever it left behind (children, threads created
		 * on the spare objects, dynamic threads). */
		k_thread_foreach(abort_leftover, NULL);
		k_timer_stop(&timer_granted);
		k_timer_stop(&timer_denied);
		if (user) {
			user_rounds++;
			user_calls += part_calls;
			if (user_memory_leaked()) {
				leak_rounds++;
				printk("FUZZ-LEAK round %u\n", round);
			}
		}
	}

	/* The crown jewel and the bystander's canary are byte for byte what they were. */
	bool jewel_ok = true;

	for (uint32_t i = 0, state = jewel_rng; i < JEWEL_SIZE; i++) {
		jewel_ok &= crown_jewel[i] == (uint8_t)xorshift(&state);
	}
	bool canary_ok = canary_at != NULL;

	for (size_t i = 0; canary_ok && i < CANARY_SIZE; i++) {
		canary_ok &= canary_at[i] == canary_byte(canary_seed, i);
	}

	/* main's own objects still work. */
	uint32_t message = 0x12345678u;
	uint32_t received = 0;
	bool objects_ok = k_sem_count_get(&main_sem) == 0;

	k_sem_give(&main_sem);
	objects_ok &= k_sem_take(&main_sem, K_NO_WAIT) == 0;
	objects_ok &= k_sem_take(&main_sem, K_NO_WAIT) == -EBUSY;
	objects_ok &= k_msgq_put(&main_msgq, &message, K_NO_WAIT) == 0;
	objects_ok &= k_msgq_get(&main_msgq, &received, K_NO_WAIT) == 0 && received == message;
	int64_t before = k_uptime_get();

	k_msleep(2);
	objects_ok &= k_uptime_get() - before >= 2;

	printk("\nFUZZ-SUMMARY rounds %u user_rounds %u user_calls %u faults %u oops %u cpu %u "
	       "stack %u other %u timeouts %u expiries %u\n",
	       FUZZ_ROUNDS, user_rounds, user_calls, fault_count, faults_by_reason[3],
	       faults_by_reason[0], faults_by_reason[2], faults_by_reason[1] + faults_by_reason[4],
	       timeouts, timer_expiries);
	report("jewel", jewel_ok, "the crown jewel changed");
	report("canary", canary_ok, "the bystander's stack canary changed");
	report("objects", objects_ok, "main's own objects misbehave");
	report("leaks", leak_rounds == 0, "jewel bytes in user-reachable memory");
	report("faults", bad_faults == 0 && bad_user_reason == 0,
	       "main or the bystander faulted, or a user thread died with another reason");
	printk("FUZZ-JEWEL ");
	for (uint32_t i = 0; i < JEWEL_SIZE; i++) {
		printk("%02x", crown_jewel[i]);
	}
	printk("\nDONE\n");
	return 0;
}
