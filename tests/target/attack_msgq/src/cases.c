/* Message queues, stale rights and resource exhaustion:
 *
 * - k_msgq_init is not a system call (a user thread oopses); user threads get a ring
 *   with k_msgq_alloc_init, from their resource pool (K_HEAP_DEFINE +
 *   k_thread_heap_assign): -ENOMEM without a pool or for more than the pool has, -EINVAL
 *   when msg_size * max_msgs overflows, and the ring is out of the user thread's reach;
 *   k_msgq_cleanup frees it (-EBUSY while a thread waits on the queue);
 * - a user thread blocked in k_msgq_get on a buffer of its memory domain, then moved to a
 *   domain without that buffer, gets no message written there: it oopses and the message
 *   stays queued;
 * - a user thread blocked in k_sem_take / k_msgq_get whose permission on the object is
 *   revoked: the call does not succeed later (the waiter either oopses or gets an error),
 *   nothing is written to it and nothing it waited for is consumed;
 * - k_timer_start with a period of 0 or a negative number of ticks does not hang the
 *   system, nor do 20000 restarts of one timer;
 * - a user thread that exhausts its small pool with thread objects does not keep the
 *   supervisor from creating a static thread.
 */
#include <string.h>
#include "../../attack_common/attack.h"

/* ---- k_msgq_init and k_msgq_alloc_init ------------------------------------------- */

K_HEAP_DEFINE(user_heap, 2048);
K_HEAP_DEFINE(waiter_heap, 1024);
K_HEAP_DEFINE(small_heap, 2048);

/* Message queues no one initialised (kernel objects all the same). */
struct k_msgq plain_q0;
struct k_msgq plain_q1;
struct k_msgq plain_q2;
struct k_msgq plain_q3;
struct k_msgq plain_q4;

K_APP_BMEM(test_part) static char user_ring[16];
K_APP_BMEM(test_part) static void *volatile ring_address;
K_APP_BMEM(test_part) static volatile int blocked;

static int msgq_init_user(const void *arg)
{
	ARG_UNUSED(arg);
	expect_fault();
	k_msgq_init(&plain_q0, user_ring, 4, 4);
	return __LINE__;
}

static void grant_q0(void)
{
	k_object_access_grant(&plain_q0, &case_thread);
}

static int alloc_init_no_pool(const void *arg)
{
	ARG_UNUSED(arg);
	CHECK(k_msgq_alloc_init(&plain_q1, 4, 4) == -ENOMEM);
	return 0;
}

static void grant_q1(void)
{
	k_object_access_grant(&plain_q1, &case_thread);
	/* As in Zephyr, the case thread inherited main's pool, the system heap: no pool. */
	k_thread_heap_assign(&case_thread, NULL);
}

static int alloc_init_pool(const void *arg)
{
	uint32_t message;

	ARG_UNUSED(arg);
	CHECK(k_msgq_alloc_init(&plain_q2, 4, 8) == 0);
	for (uint32_t i = 1; i <= 3; i++) {
		CHECK(k_msgq_put(&plain_q2, &i, K_NO_WAIT) == 0);
	}
	CHECK(k_msgq_num_used_get(&plain_q2) == 3);
	CHECK(k_msgq_num_free_get(&plain_q2) == 5);
	for (uint32_t i = 1; i <= 3; i++) {
		CHECK(k_msgq_get(&plain_q2, &message, K_NO_WAIT) == 0 && message == i);
	}
	CHECK(k_msgq_get(&plain_q2, &message, K_NO_WAIT) == -ENOMSG);
	return 0;
}

static void pool_and_q2(void)
{
	k_object_access_grant(&plain_q2, &case_thread);
	k_thread_heap_assign(&case_thread, &user_heap);
}

static int ring_recorded(void)
{
	ring_address = plain_q2.buffer_start;
	printk("ADDR %s %p\n", k_thread_name_get(&case_thread), ring_address);
	CHECK(ring_address != NULL);
	return 0;
}

/* A user thread of the same domain reads the ring k_msgq_alloc_init made. */
static int alloc_ring_unreachable(const void *arg)
{
	ARG_UNUSED(arg);
	CHECK(ring_address != NULL); /* NULL is no ring: reading it proves nothing */
	expect_fault();
	(void)*(volatile uint32_t *)ring_address;
	return __LINE__;
}

static int q2_cleaned_up(void)
{
	CHECK(k_msgq_cleanup(&plain_q2) == 0);
	return 0;
}

static int alloc_init_too_large(const void *arg)
{
	uint32_t message = 0x1234;

	ARG_UNUSED(arg);
	CHECK(k_msgq_alloc_init(&plain_q3, 0x80000000u, 2) == -EINVAL);   /* wraps to 0 */
	CHECK(k_msgq_alloc_init(&plain_q3, 0x10000u, 0x10001u) == -EINVAL); /* to 64 KiB */
	CHECK(k_msgq_alloc_init(&plain_q3, 64, 1024) == -ENOMEM);        /* 64 KiB > 2 KiB */
	/* The refusals left the queue uninitialised: it can still be set up. */
	CHECK(k_msgq_alloc_init(&plain_q3, 4, 4) == 0);
	CHECK(k_msgq_put(&plain_q3, &message, K_NO_WAIT) == 0);
	message = 0;
	CHECK(k_msgq_get(&plain_q3, &message, K_NO_WAIT) == 0 && message == 0x1234);
	return 0;
}

static void pool_and_q3(void)
{
	k_object_access_grant(&plain_q3, &case_thread);
	k_thread_heap_assign(&case_thread, &user_heap);
}

static int q3_cleaned_up(void)
{
	CHECK(k_msgq_cleanup(&plain_q3) == 0);
	return 0;
}

/* A supervisor thread allocates a ring, then waits on the queue. */
static int cleanup_waiter(const void *arg)
{
	uint32_t message = 0;

	ARG_UNUSED(arg);
	CHECK(k_msgq_alloc_init(&plain_q4, 4, 2) == 0);
	blocked = 1;
	CHECK(k_msgq_get(&plain_q4, &message, K_FOREVER) == 0);
	CHECK(message == 0xfeed);
	return 0;
}

static void waiter_pool(void)
{
	blocked = 0;
	k_thread_heap_assign(&case_thread, &waiter_heap);
}

static int cleanup_while_waiting(void)
{
	uint32_t message = 0xfeed;

	k_msleep(5);
	CHECK(blocked);
	CHECK(k_msgq_cleanup(&plain_q4) == -EBUSY);
	CHECK(k_msgq_put(&plain_q4, &message, K_NO_WAIT) == 0);
	return 0;
}

static int q4_cleaned_up(void)
{
	CHECK(k_msgq_cleanup(&plain_q4) == 0);
	return 0;
}

/* ---- Rights that change while a thread is blocked ------------------------------------ */

#define FILL 0x5a
#define MESSAGE_SIZE 16

K_APPMEM_PARTITION_DEFINE(part_p);
K_APP_BMEM(part_p) uint8_t p_buffer[MESSAGE_SIZE];
static struct k_mem_domain domain_with_p;
static struct k_mem_domain domain_without_p;

K_MSGQ_DEFINE(stale_q, MESSAGE_SIZE, 2, 4);
static const uint8_t stale_message[MESSAGE_SIZE] = "for domain D1";

K_SEM_DEFINE(revoked_sem, 0, 1);
K_MSGQ_DEFINE(revoked_q, 4, 2, 4);
K_APP_BMEM(test_part) static volatile uint32_t revoke_buffer;
K_APP_BMEM(test_part) static volatile int refused_result;

int suite_init(void)
{
	struct k_mem_partition *with_p[] = { &test_part, &part_p };
	struct k_mem_partition *without_p[] = { &test_part };

	CHECK(k_mem_domain_init(&domain_with_p, ARRAY_SIZE(with_p), with_p) == 0);
	CHECK(k_mem_domain_init(&domain_without_p, ARRAY_SIZE(without_p), without_p) == 0);
	return 0;
}

static int get_into_p(const void *arg)
{
	ARG_UNUSED(arg);
	CHECK(p_buffer[0] == FILL); /* the thread's domain holds P */
	blocked = 1;
	expect_fault();
	k_msgq_get(&stale_q, p_buffer, K_FOREVER);
	return __LINE__;
}

static void in_domain_with_p(void)
{
	blocked = 0;
	memset(p_buffer, FILL, sizeof(p_buffer));
	k_mem_domain_add_thread(&domain_with_p, &case_thread);
	k_object_access_grant(&stale_q, &case_thread);
}

static int move_then_put(void)
{
	k_msleep(5);
	CHECK(blocked);
	CHECK(k_msgq_num_used_get(&stale_q) == 0);
	CHECK(k_mem_domain_add_thread(&domain_without_p, &case_thread) == 0);
	CHECK(k_msgq_put(&stale_q, stale_message, K_NO_WAIT) == 0);
	k_msleep(5);
	return 0;
}

static int message_not_delivered(void)
{
	uint8_t message[MESSAGE_SIZE] = { 0 };

	printk("ADDR %s %p\n", k_thread_name_get(&case_thread), p_buffer);
	for (size_t i = 0; i < sizeof(p_buffer); i++) {
		CHECK(p_buffer[i] == FILL);
	}
	CHECK(k_msgq_num_used_get(&stale_q) == 1);
	CHECK(k_msgq_get(&stale_q, message, K_NO_WAIT) == 0);
	CHECK(memcmp(message, stale_message, MESSAGE_SIZE) == 0);
	return 0;
}

static int take_revoked(const void *arg)
{
	int result;

	ARG_UNUSED(arg);
	blocked = 1;
	expect_fault();
	result = k_sem_take(&revoked_sem, K_FOREVER);
	fault_expected = 0;
	refused_result = result;
	CHECK(result != 0);
	return 0;
}

static void grant_revoked_sem(void)
{
	blocked = 0;
	refused_result = 0;
	k_object_access_grant(&revoked_sem, &case_thread);
}

static int revoke_then_give(void)
{
	k_msleep(5);
	CHECK(blocked);
	k_object_access_revoke(&revoked_sem, &case_thread);
	k_sem_give(&revoked_sem);
	k_msleep(5);
	return 0;
}

static int sem_not_consumed(void)
{
	printk("REFUSED %s %d\n", k_thread_name_get(&case_thread), refused_result);
	CHECK(k_sem_count_get(&revoked_sem) == 1);
	CHECK(k_sem_take(&revoked_sem, K_NO_WAIT) == 0);
	return 0;
}

static int get_revoked(const void *arg)
{
	int result;

	ARG_UNUSED(arg);
	blocked = 1;
	expect_fault();
	result = k_msgq_get(&revoked_q, (void *)&revoke_buffer, K_FOREVER);
	fault_expected = 0;
	refused_result = result;
	CHECK(result != 0);
	CHECK(revoke_buffer == 0x5a5a5a5au);
	return 0;
}

static void grant_revoked_q(void)
{
	blocked = 0;
	refused_result = 0;
	revoke_buffer = 0x5a5a5a5au;
	k_object_access_grant(&revoked_q, &case_thread);
}

static int revoke_then_put(void)
{
	uint32_t message = 0x11223344u;

	k_msleep(5);
	CHECK(blocked);
	k_object_access_revoke(&revoked_q, &case_thread);
	CHECK(k_msgq_put(&revoked_q, &message, K_NO_WAIT) == 0);
	k_msleep(5);
	return 0;
}

static int message_not_consumed(void)
{
	uint32_t message = 0;

	printk("REFUSED %s %d\n", k_thread_name_get(&case_thread), refused_result);
	CHECK(revoke_buffer == 0x5a5a5a5au);
	CHECK(k_msgq_num_used_get(&revoked_q) == 1);
	CHECK(k_msgq_get(&revoked_q, &message, K_NO_WAIT) == 0 && message == 0x11223344u);
	return 0;
}

/* ---- Timers ---------------------------------------------------------------------------- */

K_TIMER_DEFINE(period_timer, NULL, NULL);
K_TIMER_DEFINE(storm_timer, NULL, NULL);
#define RESTARTS 20000

static int timer_period_clamped(const void *arg)
{
	static const k_ticks_t variants[][2] = { { 1, -2 }, { 1, 0 }, { 0, 0 }, { 0, -2 } };

	ARG_UNUSED(arg);
	for (size_t i = 0; i < ARRAY_SIZE(variants); i++) {
		int64_t start = k_uptime_get();

		k_timer_start(&period_timer, K_TICKS(variants[i][0]), K_TICKS(variants[i][1]));
		k_msleep(50);
		k_timer_stop(&period_timer);
		CHECK(k_uptime_get() - start >= 50);
	}
	return 0;
}

static void grant_period_timer(void)
{
	k_object_access_grant(&period_timer, &case_thread);
}

static int timer_restart_storm(const void *arg)
{
	ARG_UNUSED(arg);
	for (int i = 0; i < RESTARTS; i++) {
		k_timer_start(&storm_timer, K_MSEC(10), K_MSEC(10));
	}
	k_timer_stop(&storm_timer);
	CHECK(k_timer_remaining_ticks(&storm_timer) == 0);
	return 0;
}

static void grant_storm_timer(void)
{
	k_object_access_grant(&storm_timer, &case_thread);
}

/* ---- Exhausting a resource pool --------------------------------------------------------- */

#define ALLOC_LIMIT 1000

K_SEM_DEFINE(exhausted_sem, 0, 1);
K_SEM_DEFINE(release_sem, 0, 1);
K_APP_BMEM(test_part) static volatile int allocated;
static struct k_thread static_thread;
K_THREAD_STACK_DEFINE(static_stack, STACK_SIZE);
static volatile int static_ran;

static int exhaust_thread_objects(const void *arg)
{
	ARG_UNUSED(arg);
	allocated = 0;
	while (allocated < ALLOC_LIMIT && k_object_alloc(K_OBJ_THREAD) != NULL) {
		allocated++;
	}
	CHECK(allocated > 0 && allocated < ALLOC_LIMIT);
	k_sem_give(&exhausted_sem);
	/* Hold every object while the supervisor creates its thread. */
	CHECK(k_sem_take(&release_sem, K_FOREVER) == 0);
	return 0;
}

static void small_pool(void)
{
	static_ran = 0;
	k_thread_heap_assign(&case_thread, &small_heap);
	k_thread_access_grant(&case_thread, &exhausted_sem, &release_sem);
}

static void static_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	static_ran = 1;
}

static int create_static_thread(void)
{
	k_tid_t tid;

	CHECK(k_sem_take(&exhausted_sem, K_MSEC(500)) == 0);
	printk("EXHAUSTED %s %d\n", k_thread_name_get(&case_thread), allocated);
	tid = k_thread_create(&static_thread, static_stack, K_THREAD_STACK_SIZEOF(static_stack),
			      static_entry, NULL, NULL, NULL, CASE_PRIO - 1, 0, K_NO_WAIT);
	CHECK(tid == &static_thread);
	CHECK(k_thread_join(&static_thread, K_MSEC(100)) == 0);
	CHECK(static_ran == 1);
	k_sem_give(&release_sem);
	return 0;
}

/* ---- The table ------------------------------------------------------------------------ */

const struct attack_case cases[] = {
	{ .name = "msgq_init_user", .run = msgq_init_user, .options = K_USER, .outcome = OOPS,
	  .setup = grant_q0 },
	{ .name = "alloc_init_no_pool", .run = alloc_init_no_pool, .options = K_USER,
	  .outcome = RETURNS, .setup = grant_q1 },
	{ .name = "alloc_init_pool", .run = alloc_init_pool, .options = K_USER,
	  .outcome = RETURNS, .setup = pool_and_q2, .check = ring_recorded },
	{ .name = "alloc_ring_unreachable", .run = alloc_ring_unreachable, .options = K_USER,
	  .outcome = CPU_EXCEPTION, .check = q2_cleaned_up },
	{ .name = "alloc_init_too_large", .run = alloc_init_too_large, .options = K_USER,
	  .outcome = RETURNS, .setup = pool_and_q3, .check = q3_cleaned_up },
	{ .name = "cleanup_busy", .run = cleanup_waiter, .options = 0, .outcome = RETURNS,
	  .setup = waiter_pool, .during = cleanup_while_waiting, .check = q4_cleaned_up },
	{ .name = "domain_move_blocked", .run = get_into_p, .options = K_USER, .outcome = OOPS,
	  .setup = in_domain_with_p, .during = move_then_put, .check = message_not_delivered },
	{ .name = "revoke_sem_blocked", .run = take_revoked, .options = K_USER,
	  .outcome = OOPS_OR_REFUSED, .setup = grant_revoked_sem, .during = revoke_then_give,
	  .check = sem_not_consumed },
	{ .name = "revoke_msgq_blocked", .run = get_revoked, .options = K_USER,
	  .outcome = OOPS_OR_REFUSED, .setup = grant_revoked_q, .during = revoke_then_put,
	  .check = message_not_consumed },
	{ .name = "timer_period_clamped", .run = timer_period_clamped, .options = K_USER,
	  .outcome = RETURNS, .setup = grant_period_timer },
	{ .name = "exhaust_thread_objects", .run = exhaust_thread_objects, .options = K_USER,
	  .outcome = RETURNS, .setup = small_pool, .during = create_static_thread },
	{ .name = "timer_restart_storm", .run = timer_restart_storm, .options = K_USER,
	  .outcome = RETURNS, .setup = grant_storm_timer },
};
const size_t case_count = ARRAY_SIZE(cases);
