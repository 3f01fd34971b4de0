/* Kernel-object attacks:
 *
 * - every system call of the sem, mutex, msgq, event and timer families, made by a user
 *   thread on an object it holds no permission on, oopses with "access denied (EPERM)"
 *   and leaves the object as it was (k_event_clear first, the attacker's finding);
 * - a dynamic semaphore freed by its last permission's release is no longer an object
 *   (EBADF); when the next allocation hands its address to another thread, the thread
 *   that released it has no permission on the new object (EPERM);
 * - a supervisor's k_thread_create on a "struct k_thread" in flash or in unmapped memory
 *   faults the caller with K_ERR_CPU_EXCEPTION and creates nothing: the stack it named
 *   serves a real thread afterwards, and k_thread_foreach counts no extra thread.
 *
 * Dynamic objects come from the allocating thread's resource pool (Zephyr's
 * z_thread_malloc): with K_HEAP_DEFINE and k_thread_heap_assign the case threads get one;
 * a kernel without them allocates from its own pool, for every thread.
 */
#include "../../attack_common/attack.h"

/* ---- Objects no case thread is ever granted ---------------------------------------- */

#define EVENT_BITS 0x5u
#define MESSAGE 0x600dcafeu

K_SEM_DEFINE(guarded_sem, 1, 5);
K_MUTEX_DEFINE(guarded_mutex);
K_MSGQ_DEFINE(guarded_msgq, 4, 4, 4);
K_EVENT_DEFINE(guarded_event);
K_TIMER_DEFINE(guarded_timer, NULL, NULL);

int suite_init(void)
{
	uint32_t message = MESSAGE;

	CHECK(k_msgq_put(&guarded_msgq, &message, K_NO_WAIT) == 0);
	k_event_post(&guarded_event, EVENT_BITS);
	return 0;
}

/* main: every guarded object is as suite_init left it. */
static int guarded_objects_untouched(void)
{
	uint32_t message = 0;

	CHECK(k_sem_count_get(&guarded_sem) == 1);
	CHECK(k_mutex_lock(&guarded_mutex, K_NO_WAIT) == 0);
	CHECK(k_mutex_unlock(&guarded_mutex) == 0);
	CHECK(k_msgq_num_used_get(&guarded_msgq) == 1);
	CHECK(k_msgq_peek(&guarded_msgq, &message) == 0 && message == MESSAGE);
	CHECK(k_event_wait(&guarded_event, 0xffffffffu, false, K_NO_WAIT) == EVENT_BITS);
	CHECK(k_timer_remaining_ticks(&guarded_timer) == 0);
	CHECK(k_timer_status_get(&guarded_timer) == 0);
	return 0;
}

/* ---- One system call each, without a permission ------------------------------------ */

static void sem_init(void) { k_sem_init(&guarded_sem, 0, 1); }
static void sem_take(void) { k_sem_take(&guarded_sem, K_NO_WAIT); }
static void sem_give(void) { k_sem_give(&guarded_sem); }
static void sem_reset(void) { k_sem_reset(&guarded_sem); }
static void sem_count_get(void) { k_sem_count_get(&guarded_sem); }
static void mutex_init(void) { k_mutex_init(&guarded_mutex); }
static void mutex_lock(void) { k_mutex_lock(&guarded_mutex, K_NO_WAIT); }
static void mutex_unlock(void) { k_mutex_unlock(&guarded_mutex); }
static void msgq_put(void)
{
	uint32_t message = 0xbad;

	k_msgq_put(&guarded_msgq, &message, K_NO_WAIT);
}
static void msgq_get(void)
{
	uint32_t message;

	k_msgq_get(&guarded_msgq, &message, K_NO_WAIT);
}
static void msgq_peek(void)
{
	uint32_t message;

	k_msgq_peek(&guarded_msgq, &message);
}
static void msgq_purge(void) { k_msgq_purge(&guarded_msgq); }
static void msgq_num_free_get(void) { k_msgq_num_free_get(&guarded_msgq); }
static void msgq_num_used_get(void) { k_msgq_num_used_get(&guarded_msgq); }
static void event_init(void) { k_event_init(&guarded_event); }
static void event_post(void) { k_event_post(&guarded_event, 0x10); }
static void event_set(void) { k_event_set(&guarded_event, 0x10); }
static void event_set_masked(void) { k_event_set_masked(&guarded_event, 0, 0xff); }
static void event_clear(void) { k_event_clear(&guarded_event, 0xff); }
static void event_wait(void) { k_event_wait(&guarded_event, 0xff, true, K_NO_WAIT); }
static void event_wait_all(void) { k_event_wait_all(&guarded_event, 0x5, true, K_NO_WAIT); }
static void timer_start(void) { k_timer_start(&guarded_timer, K_MSEC(1), K_MSEC(1)); }
static void timer_stop(void) { k_timer_stop(&guarded_timer); }
static void timer_status_get(void) { k_timer_status_get(&guarded_timer); }
static void timer_status_sync(void) { k_timer_status_sync(&guarded_timer); }
static void timer_remaining_ticks(void) { k_timer_remaining_ticks(&guarded_timer); }
static void timer_user_data_set(void) { k_timer_user_data_set(&guarded_timer, (void *)1); }
static void timer_user_data_get(void) { k_timer_user_data_get(&guarded_timer); }

static int call_without_permission(const void *arg)
{
	void (*call)(void) = (void (*)(void))(uintptr_t)arg;

	expect_fault();
	call();
	return __LINE__;
}

static void post_event_bits(void)
{
	k_event_post(&guarded_event, EVENT_BITS);
}

/* ---- A freed dynamic object -------------------------------------------------------- */

#ifdef K_HEAP_DEFINE
K_HEAP_DEFINE(case_heap, 4096);
static void give_pool(struct k_thread *thread)
{
	k_thread_heap_assign(thread, &case_heap);
}
#else
static void give_pool(struct k_thread *thread)
{
	ARG_UNUSED(thread); /* this kernel allocates from its own pool */
}
#endif

K_APP_BMEM(test_part) static void *volatile first_sem;
K_APP_BMEM(test_part) static void *volatile second_sem;
K_APP_BMEM(test_part) static volatile int holder_result;
K_SEM_DEFINE(to_main, 0, 2);
K_SEM_DEFINE(to_case, 0, 1);
K_SEM_DEFINE(to_holder, 0, 1);
static struct k_thread holder_thread;
K_THREAD_STACK_DEFINE(holder_stack, STACK_SIZE);

static void pool_for_case(void)
{
	first_sem = NULL;
	second_sem = NULL;
	give_pool(&case_thread);
}

static int freed_sem_give(const void *arg)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);

	ARG_UNUSED(arg);
	CHECK(sem != NULL);
	CHECK(k_sem_init(sem, 0, 1) == 0);
	first_sem = sem;
	k_object_release(sem); /* the last permission: the semaphore is freed */
	expect_fault();
	k_sem_give(sem);
	return __LINE__;
}

static int print_first_sem(void)
{
	printk("ADDR %s %p\n", k_thread_name_get(&case_thread), first_sem);
	return 0;
}

/* The case thread allocates, releases, waits while the holder allocates (perhaps the
 * same address), then gives the semaphore it released. */
static int freed_reuse_denied(const void *arg)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);

	ARG_UNUSED(arg);
	CHECK(sem != NULL);
	CHECK(k_sem_init(sem, 0, 1) == 0);
	first_sem = sem;
	k_object_release(sem);
	k_sem_give(&to_main);
	CHECK(k_sem_take(&to_case, K_FOREVER) == 0);
	expect_fault();
	k_sem_give(sem);
	return __LINE__;
}

static void holder_entry(void *p1, void *p2, void *p3)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);

	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	holder_result = __LINE__;
	if (sem == NULL || k_sem_init(sem, 0, 1) != 0) {
		return;
	}
	second_sem = sem;
	k_sem_give(&to_main);
	if (k_sem_take(&to_holder, K_FOREVER) != 0) {
		return;
	}
	/* The stale give did not reach the holder's semaphore. */
	holder_result = k_sem_count_get(sem) == 0 ? 0 : __LINE__;
}

static void reuse_setup(void)
{
	pool_for_case();
	k_thread_access_grant(&case_thread, &to_main, &to_case);
}

static int reuse_during(void)
{
	CHECK(k_sem_take(&to_main, K_MSEC(100)) == 0); /* the case released its semaphore */
	k_thread_create(&holder_thread, holder_stack, K_THREAD_STACK_SIZEOF(holder_stack),
			holder_entry, NULL, NULL, NULL, CASE_PRIO, K_USER, K_FOREVER);
	k_thread_name_set(&holder_thread, "reuse_holder");
	k_thread_access_grant(&holder_thread, &to_main, &to_holder);
	give_pool(&holder_thread);
	k_thread_start(&holder_thread);
	CHECK(k_sem_take(&to_main, K_MSEC(100)) == 0); /* the holder allocated */
	k_sem_give(&to_case);
	CHECK(k_thread_join(&case_thread, K_MSEC(100)) == 0);
	k_sem_give(&to_holder);
	CHECK(k_thread_join(&holder_thread, K_MSEC(100)) == 0);
	CHECK(holder_result == 0);
	printk("ADDR %s %p\n", k_thread_name_get(&case_thread), first_sem);
	printk("REUSED %s %d\n", k_thread_name_get(&case_thread), first_sem == second_sem);
	return 0;
}

/* ---- k_thread_create on a k_thread that is not in RAM ------------------------------- */

#define FLASH_WORDS 16
const uint32_t flash_thread[FLASH_WORDS] = {
	0xc0de0000, 0xc0de0001, 0xc0de0002, 0xc0de0003, 0xc0de0004, 0xc0de0005,
	0xc0de0006, 0xc0de0007, 0xc0de0008, 0xc0de0009, 0xc0de000a, 0xc0de000b,
	0xc0de000c, 0xc0de000d, 0xc0de000e, 0xc0de000f,
};
/* Neither flash (0x0-0xfffff) nor SRAM (0x20000000, 256 KiB or 512 KiB) on either board. */
#define UNMAPPED_THREAD ((struct k_thread *)0x2fff0000u)

static struct k_thread spare_thread;
K_THREAD_STACK_DEFINE(spare_stack, STACK_SIZE);
static volatile int spare_ran;
static int threads_before;

static void count_thread(const struct k_thread *thread, void *user_data)
{
	ARG_UNUSED(thread);
	(*(int *)user_data)++;
}

static int thread_count(void)
{
	int count = 0;

	k_thread_foreach(count_thread, &count);
	return count;
}

static void spare_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	spare_ran = 1;
}

static int create_at(const void *arg)
{
	struct k_thread *thread = (struct k_thread *)(uintptr_t)arg;

	expect_fault();
	k_thread_create(thread, spare_stack, K_THREAD_STACK_SIZEOF(spare_stack), spare_entry,
			NULL, NULL, NULL, CASE_PRIO - 1, 0, K_NO_WAIT);
	return __LINE__;
}

static void count_threads_before(void)
{
	spare_ran = 0;
	threads_before = thread_count(); /* the case thread included */
}

static int nothing_was_created(void)
{
	k_tid_t tid;

	for (int i = 0; i < FLASH_WORDS; i++) {
		CHECK(flash_thread[i] == 0xc0de0000u + (uint32_t)i);
	}
	k_msleep(2);
	CHECK(spare_ran == 0);
	CHECK(thread_count() == threads_before - 1); /* only the case thread is gone */
	/* The stack was not taken: a real thread runs on it. */
	tid = k_thread_create(&spare_thread, spare_stack, K_THREAD_STACK_SIZEOF(spare_stack),
			      spare_entry, NULL, NULL, NULL, CASE_PRIO, 0, K_NO_WAIT);
	CHECK(tid == &spare_thread);
	CHECK(k_thread_join(&spare_thread, K_MSEC(100)) == 0);
	CHECK(spare_ran == 1);
	CHECK(thread_count() == threads_before - 1);
	return 0;
}

/* ---- The table ----------------------------------------------------------------------- */

#define NO_PERMISSION(call_)                                                        \
	{ .name = "noperm_k_" #call_, .run = call_without_permission,               \
	  .arg = (const void *)(uintptr_t)(call_), .options = K_USER, .outcome = OOPS, \
	  .check = guarded_objects_untouched }

const struct attack_case cases[] = {
	{ .name = "event_clear_denied", .run = call_without_permission,
	  .arg = (const void *)(uintptr_t)event_clear, .options = K_USER, .outcome = OOPS,
	  .setup = post_event_bits, .check = guarded_objects_untouched },
	NO_PERMISSION(sem_init),
	NO_PERMISSION(sem_take),
	NO_PERMISSION(sem_give),
	NO_PERMISSION(sem_reset),
	NO_PERMISSION(sem_count_get),
	NO_PERMISSION(mutex_init),
	NO_PERMISSION(mutex_lock),
	NO_PERMISSION(mutex_unlock),
	NO_PERMISSION(msgq_put),
	NO_PERMISSION(msgq_get),
	NO_PERMISSION(msgq_peek),
	NO_PERMISSION(msgq_purge),
	NO_PERMISSION(msgq_num_free_get),
	NO_PERMISSION(msgq_num_used_get),
	NO_PERMISSION(event_init),
	NO_PERMISSION(event_post),
	NO_PERMISSION(event_set),
	NO_PERMISSION(event_set_masked),
	NO_PERMISSION(event_clear),
	NO_PERMISSION(event_wait),
	NO_PERMISSION(event_wait_all),
	NO_PERMISSION(timer_start),
	NO_PERMISSION(timer_stop),
	NO_PERMISSION(timer_status_get),
	NO_PERMISSION(timer_status_sync),
	NO_PERMISSION(timer_remaining_ticks),
	NO_PERMISSION(timer_user_data_set),
	NO_PERMISSION(timer_user_data_get),
	{ .name = "freed_sem_give", .run = freed_sem_give, .options = K_USER, .outcome = OOPS,
	  .setup = pool_for_case, .check = print_first_sem },
	{ .name = "freed_reuse_denied", .run = freed_reuse_denied, .options = K_USER,
	  .outcome = OOPS, .setup = reuse_setup, .during = reuse_during },
	{ .name = "create_thread_in_flash", .run = create_at, .arg = flash_thread, .options = 0,
	  .outcome = CPU_EXCEPTION, .setup = count_threads_before, .check = nothing_was_created },
	{ .name = "create_thread_unmapped", .run = create_at, .arg = UNMAPPED_THREAD,
	  .options = 0, .outcome = CPU_EXCEPTION, .setup = count_threads_before,
	  .check = nothing_was_created },
};
const size_t case_count = ARRAY_SIZE(cases);
