/* Thread-local storage (CONFIG_THREAD_LOCAL_STORAGE): every thread, supervisor or user,
 * starts with the template's values in its own copy of the __thread variables, keeps
 * what it writes while the others run, and a user thread touching another thread's copy
 * faults.  Prints "PASS <case>" or "FAIL <case>: ..." and "DONE" at the end. */
#include <errno.h>
#include <zephyr/app_memory/app_memdomain.h>
#include <zephyr/kernel.h>

#define WORKERS 3
#define INITIAL_WORD 0x1234abcdu
#define INITIAL_WIDE 0x0102030405060708ull

static __thread uint32_t tls_word = INITIAL_WORD;
static __thread uint64_t tls_wide = INITIAL_WIDE;
static __thread uint8_t tls_zero[5];

/* What the workers report, in a partition the default domain is given. */
K_APPMEM_PARTITION_DEFINE(results_part);
K_APP_BMEM(results_part) static volatile int results[WORKERS];
K_APP_BMEM(results_part) static volatile uintptr_t worker_word_address;

static struct k_thread workers[WORKERS];
static K_THREAD_STACK_ARRAY_DEFINE(worker_stacks, WORKERS, 1024);
static struct k_thread intruder;
static K_THREAD_STACK_DEFINE(intruder_stack, 1024);

/* A forged thread pointer: what an interrupt-context callback writes must not follow it. */
extern uintptr_t z_arm_tls_ptr;
K_APP_BMEM(results_part) static volatile uintptr_t forged_pointer;
K_APP_BMEM(results_part) static volatile bool callback_ran;
K_APP_BMEM(results_part) static volatile uint32_t word_seen_after;
static volatile uint32_t kernel_target = 0x600d;

static volatile unsigned int faults;
static volatile unsigned int last_reason;

enum { NOT_RUN, OK, BAD_INITIAL, CHANGED_BY_OTHERS, ERRNO_CHANGED };

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	faults++;
	last_reason = reason;
	printk("fault %u in %s\n", reason, k_thread_name_get(k_current_get()));
}

static bool initial_values(void)
{
	for (size_t i = 0; i < sizeof(tls_zero); i++) {
		if (tls_zero[i] != 0) {
			return false;
		}
	}
	return tls_word == INITIAL_WORD && tls_wide == INITIAL_WIDE;
}

/* Checks the initial values, writes its own, lets the others run, checks them again. */
static void worker(void *p1, void *p2, void *p3)
{
	int index = POINTER_TO_INT(p1);

	if (!initial_values()) {
		results[index] = BAD_INITIAL;
		return;
	}
	worker_word_address = (uintptr_t)&tls_word;
	tls_word = index;
	tls_wide = INITIAL_WIDE + index;
	tls_zero[4] = index + 1;
	errno = 100 + index;
	k_sleep(K_MSEC(10));
	if (tls_word != (uint32_t)index || tls_wide != INITIAL_WIDE + index ||
	    tls_zero[4] != index + 1) {
		results[index] = CHANGED_BY_OTHERS;
		return;
	}
	/* With picolibc errno is thread-local; newlib's is switched by the kernel. */
	results[index] = errno == 100 + index ? OK : ERRNO_CHANGED;
	/* Parked, so a peer's copy stays alive for the intruders. */
	if (index == 0) {
		k_sleep(K_FOREVER);
	}
}

static void run_workers(const char *name, uint32_t options)
{
	for (int i = 0; i < WORKERS; i++) {
		results[i] = NOT_RUN;
		k_thread_create(&workers[i], worker_stacks[i], K_THREAD_STACK_SIZEOF(worker_stacks[i]),
				worker, INT_TO_POINTER(i), NULL, NULL, 1, options, K_NO_WAIT);
	}
	k_sleep(K_MSEC(50));
	bool passed = true;

	for (int i = 0; i < WORKERS; i++) {
		if (results[i] != OK) {
			printk("FAIL %s: worker %d reported %d\n", name, i, results[i]);
			passed = false;
		}
	}
	if (passed) {
		printk("PASS %s\n", name);
	}
}

static void stop_workers(void)
{
	for (int i = 0; i < WORKERS; i++) {
		k_thread_abort(&workers[i]);
	}
}

/* ---- another thread's copy ------------------------------------------------------------ */

static void read_other_copy(void *p1, void *p2, void *p3)
{
	printk("read %u: not stopped\n", *(volatile uint32_t *)p1);
}

static void write_other_copy(void *p1, void *p2, void *p3)
{
	*(volatile uint32_t *)p1 = 0xbad;
	printk("wrote: not stopped\n");
}

static void touch_other_copy(const char *name, k_thread_entry_t entry, uintptr_t target,
			     uint32_t expected)
{
	unsigned int faults_before = faults;

	k_thread_create(&intruder, intruder_stack, K_THREAD_STACK_SIZEOF(intruder_stack), entry,
			(void *)target, NULL, NULL, 1, K_USER, K_NO_WAIT);
	k_thread_name_set(&intruder, name);
	k_thread_join(&intruder, K_FOREVER);
	bool faulted = faults == faults_before + 1 && last_reason == K_ERR_CPU_EXCEPTION;

	if (faulted && *(volatile uint32_t *)target == expected) {
		printk("PASS %s\n", name);
	} else {
		printk("FAIL %s: the other thread's copy was reachable\n", name);
	}
}

/* Forges the thread pointer so that its tls_word would be kernel_target, then spins
 * until a timer's expiry function (interrupt context, privileged) has written tls_word. */
static void forge_pointer(void *p1, void *p2, void *p3)
{
	z_arm_tls_ptr = forged_pointer;
	while (!callback_ran) {
	}
	word_seen_after = tls_word;
}

static void write_word_in_callback(struct k_timer *timer)
{
	ARG_UNUSED(timer);
	tls_word = 0xdead;
	callback_ran = true;
}

static K_TIMER_DEFINE(forge_timer, write_word_in_callback, NULL);

static void check_forged_pointer(void)
{
	forged_pointer = (uintptr_t)&kernel_target - ((uintptr_t)&tls_word - z_arm_tls_ptr);
	callback_ran = false;
	k_thread_create(&intruder, intruder_stack, K_THREAD_STACK_SIZEOF(intruder_stack),
			forge_pointer, NULL, NULL, NULL, 1, K_USER, K_FOREVER);
	k_timer_start(&forge_timer, K_MSEC(2), K_NO_WAIT);
	k_thread_start(&intruder);
	k_thread_join(&intruder, K_FOREVER);
	if (callback_ran && kernel_target == 0x600d && word_seen_after == 0xdead) {
		printk("PASS forged_pointer\n");
	} else {
		printk("FAIL forged_pointer: ran %d, kernel word %#x, thread's word %#x\n",
		       callback_ran, kernel_target, word_seen_after);
	}
}

int main(void)
{
	k_mem_domain_add_partition(&k_mem_domain_default, &results_part);

	/* main's own copy, and the block inside its stack. */
	struct k_thread *self = k_current_get();
	uintptr_t own = (uintptr_t)&tls_word;
	bool inside = own >= self->stack_info.start &&
		      own < self->stack_info.start + self->stack_info.size;

	if (initial_values() && inside) {
		printk("PASS main_copy\n");
	} else {
		printk("FAIL main_copy: %s\n", inside ? "wrong initial values" : "outside its stack");
	}
	tls_word = 7;

	run_workers("supervisor_copies", 0);
	stop_workers();
	run_workers("user_copies", K_USER);
	if (tls_word != 7) {
		printk("FAIL main_copy_kept: %u\n", tls_word);
	} else {
		printk("PASS main_copy_kept\n");
	}

	/* A user worker parked with its copy holding 0, and main's copy holding 7. */
	stop_workers();
	k_thread_create(&workers[0], worker_stacks[0], K_THREAD_STACK_SIZEOF(worker_stacks[0]),
			worker, INT_TO_POINTER(0), NULL, NULL, 1, K_USER, K_NO_WAIT);
	k_sleep(K_MSEC(50));
	uintptr_t peer = worker_word_address;

	touch_other_copy("read_peer_copy", read_other_copy, peer, 0);
	touch_other_copy("write_peer_copy", write_other_copy, peer, 0);
	touch_other_copy("read_supervisor_copy", read_other_copy, own, 7);
	touch_other_copy("write_supervisor_copy", write_other_copy, own, 7);
	stop_workers();
	check_forged_pointer();
	printk("DONE\n");
	return 0;
}
