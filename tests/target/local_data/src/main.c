/* Userspace local data (CONFIG_THREAD_USERSPACE_LOCAL_DATA): every thread's area is at
 * the top of its own stack and starts zeroed; a thread that drops to user mode finds it
 * zeroed again and may use it; a user thread touching another thread's area faults.
 * Prints "PASS <case>" or "FAIL <case>: ..." and "DONE" at the end. */
#include <string.h>
#include <zephyr/kernel.h>

#define AREA_SIZE sizeof(struct _thread_userspace_local_data)
#define SUPERVISOR_MARK 0xff
#define USER_MARK 0x5a
#define PEER_MARK 0x11

static struct k_thread worker;
static K_THREAD_STACK_DEFINE(worker_stack, 1024);
static struct k_thread peer;
static K_THREAD_STACK_DEFINE(peer_stack, 1024);

static volatile unsigned int faults;
static volatile unsigned int last_reason;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	faults++;
	last_reason = reason;
	printk("fault %u in %s\n", reason, k_thread_name_get(k_current_get()));
	/* Returning: the kernel aborts only the faulting thread. */
}

static bool all_bytes_are(const void *area, uint8_t value)
{
	const uint8_t *bytes = area;

	for (size_t i = 0; i < AREA_SIZE; i++) {
		if (bytes[i] != value) {
			return false;
		}
	}
	return true;
}

/* The area is the last bytes of the thread's stack (no random stack offset here). */
static bool at_top_of_stack(const struct k_thread *thread, const void *stack, size_t size)
{
	uintptr_t area = (uintptr_t)thread->userspace_local_data;
	uintptr_t top = thread->stack_info.start + thread->stack_info.size;

	return area >= (uintptr_t)stack && area + AREA_SIZE <= (uintptr_t)stack + size &&
	       area + AREA_SIZE == (top & ~(uintptr_t)7);
}

static void report(const char *name, bool passed, const char *why)
{
	if (passed) {
		printk("PASS %s\n", name);
	} else {
		printk("FAIL %s: %s\n", name, why);
	}
}

/* ---- a supervisor thread's own area ------------------------------------------------ */

static void check_supervisor_area(void)
{
	struct k_thread *self = k_current_get();
	uint8_t *area = (uint8_t *)self->userspace_local_data;

	if (area == NULL) {
		report("supervisor_area", false, "no local data");
		return;
	}
	uintptr_t start = self->stack_info.start;
	uintptr_t end = start + self->stack_info.size;
	bool inside = (uintptr_t)area >= start && (uintptr_t)area + AREA_SIZE <= end;
	bool zeroed = all_bytes_are(area, 0);

	memset(area, USER_MARK, AREA_SIZE);
	report("supervisor_area", inside && zeroed && all_bytes_are(area, USER_MARK),
	       inside ? "not zeroed, or not writable" : "outside the thread's stack");
	memset(area, 0, AREA_SIZE);
}

/* ---- a user thread's area ------------------------------------------------------------ */

/* Checks its area is zeroed, then marks it; a fault tells main something was wrong. */
static void use_own_area(void *p1, void *p2, void *p3)
{
	uint8_t *area = p1;

	if (!all_bytes_are(area, 0)) {
		k_oops();
	}
	memset(area, USER_MARK, AREA_SIZE);
}

static void check_user_area(void)
{
	unsigned int faults_before = faults;

	k_thread_create(&worker, worker_stack, K_THREAD_STACK_SIZEOF(worker_stack), use_own_area,
			NULL, NULL, NULL, 1, K_USER, K_FOREVER);
	void *area = worker.userspace_local_data;

	if (!at_top_of_stack(&worker, worker_stack, sizeof(worker_stack))) {
		report("user_area", false, "not at the top of the thread's stack");
		k_thread_abort(&worker);
		return;
	}
	if (!all_bytes_are(area, 0)) {
		report("user_area", false, "not zeroed at creation");
		k_thread_abort(&worker);
		return;
	}
	/* Again, now told where its area is (as Zephyr's test tells it): a user thread
	 * cannot read its struct k_thread. */
	k_thread_abort(&worker);
	k_thread_create(&worker, worker_stack, K_THREAD_STACK_SIZEOF(worker_stack), use_own_area,
			area, NULL, NULL, 1, K_USER, K_NO_WAIT);
	k_thread_join(&worker, K_FOREVER);
	report("user_area", faults == faults_before && all_bytes_are(area, USER_MARK),
	       "the user thread could not use its zeroed area");
}

/* ---- dropping to user mode ------------------------------------------------------------ */

static void drop_to_user_mode(void *p1, void *p2, void *p3)
{
	struct k_thread *self = k_current_get();

	/* Written while privileged: must not be visible once in user mode. */
	memset(self->userspace_local_data, SUPERVISOR_MARK, AREA_SIZE);
	k_thread_user_mode_enter(use_own_area, self->userspace_local_data, NULL, NULL);
}

static void check_no_leak_into_user_mode(void)
{
	unsigned int faults_before = faults;

	k_thread_create(&worker, worker_stack, K_THREAD_STACK_SIZEOF(worker_stack),
			drop_to_user_mode, NULL, NULL, NULL, 1, 0, K_NO_WAIT);
	k_thread_join(&worker, K_FOREVER);
	report("no_leak_into_user_mode",
	       faults == faults_before && all_bytes_are(worker.userspace_local_data, USER_MARK) &&
		       at_top_of_stack(&worker, worker_stack, sizeof(worker_stack)),
	       "the supervisor's bytes reached user mode");
}

/* ---- another thread's area ------------------------------------------------------------ */

static void read_other_area(void *p1, void *p2, void *p3)
{
	volatile uint8_t *area = p1;

	printk("read %u: not stopped\n", area[0]);
}

static void write_other_area(void *p1, void *p2, void *p3)
{
	volatile uint8_t *area = p1;

	area[0] = USER_MARK;
	printk("wrote: not stopped\n");
}

static void touch_other_area(const char *name, k_thread_entry_t entry, void *target)
{
	unsigned int faults_before = faults;

	k_thread_create(&worker, worker_stack, K_THREAD_STACK_SIZEOF(worker_stack), entry,
			target, NULL, NULL, 1, K_USER, K_NO_WAIT);
	k_thread_name_set(&worker, name);
	k_thread_join(&worker, K_FOREVER);
	report(name, faults == faults_before + 1 && last_reason == K_ERR_CPU_EXCEPTION &&
			     all_bytes_are(target, PEER_MARK),
	       "the other thread's area was reachable");
}

static void check_other_threads_area(void)
{
	/* A user thread of the same memory domain that has not started: its area exists. */
	k_thread_create(&peer, peer_stack, K_THREAD_STACK_SIZEOF(peer_stack), use_own_area, NULL,
			NULL, NULL, 1, K_USER, K_FOREVER);
	memset(peer.userspace_local_data, PEER_MARK, AREA_SIZE);
	touch_other_area("read_peer_area", read_other_area, peer.userspace_local_data);
	touch_other_area("write_peer_area", write_other_area, peer.userspace_local_data);
	k_thread_abort(&peer);

	/* A supervisor thread's (main's own). */
	void *own = k_current_get()->userspace_local_data;

	memset(own, PEER_MARK, AREA_SIZE);
	touch_other_area("read_supervisor_area", read_other_area, own);
	touch_other_area("write_supervisor_area", write_other_area, own);
	memset(own, 0, AREA_SIZE);
}

int main(void)
{
	check_supervisor_area();
	check_user_area();
	check_no_leak_into_user_mode();
	check_other_threads_area();
	printk("DONE\n");
	return 0;
}
