/* The kernel's object table and user-mode internals as C code sees them: k_object_find's
 * records, k_object_recycle and k_object_validate, grants made before a thread starts,
 * the fields the kernel mirrors into struct k_thread, thread slots, futexes, and what a
 * user thread may not do to the CPU (CONTROL, the MPU, privileged stacks).
 *
 * The fatal error handler checks the reason of every expected fault.
 */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/ztest.h>
#include <zephyr/kernel_structs.h>
#include <zephyr/sys/barrier.h>
#include <zephyr/app_memory/app_memdomain.h>
#include <zephyr/sys/mutex.h>
#include <zephyr/sys/sem.h>

extern void arm_core_mpu_disable(void);
extern k_thread_stack_t ztest_thread_stack[];
extern uint8_t _thread_idx_map[CONFIG_MAX_THREAD_BYTES];

#define STACK_SIZE 1024
#define NO_FAULT (-1)

ZTEST_BMEM static volatile int expected_reason = NO_FAULT;
ZTEST_BMEM static volatile int faults_seen;
ZTEST_BMEM static volatile bool user_half_ran;
ZTEST_BMEM static volatile int user_result;
ZTEST_BMEM static volatile char *priv_stack_byte;
ZTEST_BMEM static struct k_futex user_futex;
ZTEST_BMEM static int plain_word;
ZTEST_BMEM static SYS_MUTEX_DEFINE(user_mutex);
static SYS_MUTEX_DEFINE(kernel_memory_mutex); /* outside every user partition */
ZTEST_DMEM static SYS_SEM_DEFINE(user_sem, 0, 2);

K_SEM_DEFINE(found_sem, 0, 1);
K_SEM_DEFINE(handoff_sem, 0, 1);
K_SEM_DEFINE(kernel_only_go, 0, 1);
static struct k_sem plain_sem; /* never initialised: a kernel object all the same */
static struct k_futex kernel_futex; /* in kernel memory: no user thread may write it */
static int kernel_word;
static struct k_thread user_thread;
static K_THREAD_STACK_DEFINE(user_stack, STACK_SIZE);
static struct k_mem_domain other_domain;
K_HEAP_DEFINE(spare_heap, 512);

static void expect_fault(int reason)
{
	expected_reason = reason;
	compiler_barrier();
}

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	if (expected_reason == NO_FAULT || (unsigned int)expected_reason != reason) {
		printk("unexpected fatal error %u (expected %d)\n", reason, expected_reason);
		k_fatal_halt(reason);
	}
	expected_reason = NO_FAULT;
	faults_seen++;
}

static void run_user(k_thread_entry_t entry)
{
	k_thread_create(&user_thread, user_stack, STACK_SIZE, entry, NULL, NULL, NULL, -1,
			K_USER | K_INHERIT_PERMS, K_NO_WAIT);
	k_thread_join(&user_thread, K_FOREVER);
}

static int perm_bits(const struct k_object *ko)
{
	int bits = 0;

	for (int i = 0; i < CONFIG_MAX_THREAD_BYTES; i++) {
		bits += POPCOUNT(ko->perms[i]);
	}
	return bits;
}

ZTEST(object_internals, test_find_describes_an_object)
{
	int not_an_object = 0;

	k_object_access_grant(&found_sem, k_current_get());
	struct k_object *ko = k_object_find(&found_sem);

	zassert_not_null(ko);
	zassert_equal(ko->name, (void *)&found_sem);
	zassert_equal(ko->type, K_OBJ_SEM);
	zassert_true((ko->flags & K_OBJ_FLAG_INITIALIZED) != 0);
	zassert_true(perm_bits(ko) >= 1);
	zassert_equal(k_object_find(&found_sem), ko, "one record per object");
	zassert_is_null(k_object_find(&not_an_object));
}

static void give_found_sem(void *p1, void *p2, void *p3)
{
	expect_fault(K_ERR_KERNEL_OOPS);
	k_sem_give(&found_sem);
	user_half_ran = true; /* not reached */
}

ZTEST(object_internals, test_writing_a_record_grants_nothing)
{
	struct k_object *ko = k_object_find(&found_sem);

	zassert_not_null(ko);
	(void)memset(ko->perms, 0xFF, sizeof(ko->perms));
	ko->flags |= K_OBJ_FLAG_PUBLIC;
	user_half_ran = false;
	faults_seen = 0;
	run_user(give_found_sem);
	zassert_false(user_half_ran);
	zassert_equal(faults_seen, 1);
	zassert_equal(k_sem_count_get(&found_sem), 0);
}

ZTEST(object_internals, test_recycle_leaves_only_the_caller)
{
	struct k_object *ko = k_object_find(&plain_sem);

	zassert_not_null(ko);
	zassert_equal(ko->flags & K_OBJ_FLAG_INITIALIZED, 0);
	(void)memset(ko->perms, 0xFF, sizeof(ko->perms));
	k_object_recycle(&plain_sem);
	zassert_equal(perm_bits(ko), 1);
	zassert_true((ko->flags & K_OBJ_FLAG_INITIALIZED) != 0);
	zassert_true(k_object_is_valid(&plain_sem, K_OBJ_SEM));
	zassert_equal(k_sem_take(&plain_sem, K_NO_WAIT), -EBUSY);
}

ZTEST(object_internals, test_validate_checks_the_calling_thread)
{
	/* Each test runs in a thread of its own: permissions end with their thread. */
	k_object_access_grant(&found_sem, k_current_get());
	struct k_object *granted = k_object_find(&found_sem);
	struct k_object *not_granted = k_object_find(&handoff_sem);

	zassert_equal(k_object_validate(granted, K_OBJ_SEM, _OBJ_INIT_TRUE), 0);
	zassert_equal(k_object_validate(granted, K_OBJ_ANY, _OBJ_INIT_ANY), 0);
	zassert_equal(k_object_validate(granted, K_OBJ_SEM, _OBJ_INIT_FALSE), -EADDRINUSE);
	zassert_equal(k_object_validate(granted, K_OBJ_MUTEX, _OBJ_INIT_TRUE), -EBADF);
	zassert_equal(k_object_validate(not_granted, K_OBJ_SEM, _OBJ_INIT_TRUE), -EPERM);
	zassert_equal(k_object_validate(NULL, K_OBJ_ANY, _OBJ_INIT_ANY), -EBADF);
	zassert_equal(k_object_validate((struct k_object *)&kernel_word, K_OBJ_ANY,
					_OBJ_INIT_ANY), -EBADF, "not a record");
	zassert_false(k_object_is_valid(&handoff_sem, K_OBJ_SEM));
	zassert_false(k_object_is_valid(&found_sem, K_OBJ_MUTEX));
	zassert_true(k_object_is_valid(&found_sem, K_OBJ_ANY));
}

static void give_handoff_sem(void *p1, void *p2, void *p3)
{
	k_sem_give(&handoff_sem);
	user_half_ran = true;
}

ZTEST(object_internals, test_a_grant_waits_for_the_thread_object)
{
	/* No thread runs on user_thread now: the next one created on it has the grant. */
	user_half_ran = false;
	k_object_access_grant(&handoff_sem, &user_thread);
	k_thread_create(&user_thread, user_stack, STACK_SIZE, give_handoff_sem, NULL, NULL,
			NULL, -1, K_USER, K_NO_WAIT);
	k_thread_join(&user_thread, K_FOREVER);
	zassert_true(user_half_ran);
	zassert_equal(k_sem_take(&handoff_sem, K_NO_WAIT), 0);
}

static void give_handoff_sem_revoked(void *p1, void *p2, void *p3)
{
	expect_fault(K_ERR_KERNEL_OOPS);
	k_sem_give(&handoff_sem);
	user_half_ran = true; /* not reached */
}

ZTEST(object_internals, test_a_revoked_waiting_grant_is_gone)
{
	user_half_ran = false;
	faults_seen = 0;
	k_object_access_grant(&handoff_sem, &user_thread);
	k_object_access_revoke(&handoff_sem, &user_thread);
	k_thread_create(&user_thread, user_stack, STACK_SIZE, give_handoff_sem_revoked, NULL,
			NULL, NULL, -1, K_USER, K_NO_WAIT);
	k_thread_join(&user_thread, K_FOREVER);
	zassert_false(user_half_ran);
	zassert_equal(faults_seen, 1);
}

static void idle_entry(void *p1, void *p2, void *p3)
{
	k_sem_take(&found_sem, K_FOREVER);
}

ZTEST(object_internals, test_the_kernel_mirrors_pool_and_domain)
{
	struct k_mem_partition *parts[] = { &ztest_mem_partition };

	zassert_equal(k_mem_domain_init(&other_domain, ARRAY_SIZE(parts), parts), 0);
	k_thread_heap_assign(k_current_get(), &spare_heap);
	k_tid_t tid = k_thread_create(&user_thread, user_stack, STACK_SIZE, idle_entry, NULL,
				      NULL, NULL, -1, 0, K_NO_WAIT);

	zassert_equal(user_thread.resource_pool, &spare_heap, "inherited from its creator");
	zassert_equal(user_thread.mem_domain_info.mem_domain, &k_mem_domain_default);
	k_mem_domain_add_thread(&other_domain, tid);
	zassert_equal(user_thread.mem_domain_info.mem_domain, &other_domain);
	k_thread_system_pool_assign(tid);
	zassert_not_equal(user_thread.resource_pool, &spare_heap);
	k_thread_abort(tid);
	k_thread_heap_assign(k_current_get(), NULL);
	zassert_is_null(k_current_get()->resource_pool);
}

ZTEST(object_internals, test_thread_objects_own_their_slots)
{
	void *threads[8 * CONFIG_MAX_THREAD_BYTES];
	int count = 0;

	k_thread_system_pool_assign(k_current_get());
	while (count < ARRAY_SIZE(threads) &&
	       (threads[count] = k_object_alloc(K_OBJ_THREAD)) != NULL) {
		count++;
	}
	zassert_true(count > 0 && count < ARRAY_SIZE(threads), "the image's threads keep theirs");
	for (int i = 0; i < CONFIG_MAX_THREAD_BYTES; i++) {
		zassert_equal(_thread_idx_map[i], 0, "no slot left");
	}
	k_object_free(threads[count - 1]);
	zassert_equal(POPCOUNT(_thread_idx_map[0]) + POPCOUNT(_thread_idx_map[1]), 1);
	for (int i = 0; i < count - 1; i++) {
		k_object_free(threads[i]);
	}
	zassert_equal(POPCOUNT(_thread_idx_map[0]) + POPCOUNT(_thread_idx_map[1]), count);
	k_thread_heap_assign(k_current_get(), NULL);
}

ZTEST(object_internals, test_type_names)
{
	zassert_equal(strcmp(otype_to_str(K_OBJ_ANY), "generic"), 0);
	zassert_equal(strcmp(otype_to_str(K_OBJ_SEM), "k_sem"), 0);
	zassert_equal(strcmp(otype_to_str(K_OBJ_FUTEX), "k_futex"), 0);
	zassert_equal(strcmp(otype_to_str(K_OBJ_LAST), "?"), 0);
	zassert_equal(strcmp(otype_to_str((enum k_objects)-1), "?"), 0);
	zassert_not_null(strstr(otype_to_str(K_OBJ_LAST - 1), "driver"), "drivers come last");
}

static void kernel_only_user_half(void *p1, void *p2, void *p3)
{
	user_half_ran = true; /* never: the drop to user mode is refused */
}

static void kernel_only_entry(void *p1, void *p2, void *p3)
{
	k_sem_take(&kernel_only_go, K_FOREVER);
	expect_fault(K_ERR_KERNEL_PANIC);
	k_thread_user_mode_enter(kernel_only_user_half, NULL, NULL, NULL);
}

K_KERNEL_THREAD_DEFINE(kernel_only, 1024, kernel_only_entry, NULL, NULL, NULL, 0, 0, 0);

ZTEST(object_internals, test_a_kernel_only_thread_cannot_drop_to_user_mode)
{
	user_half_ran = false;
	faults_seen = 0;
	k_sem_give(&kernel_only_go);
	k_thread_join(kernel_only, K_FOREVER);
	zassert_equal(faults_seen, 1);
	zassert_false(user_half_ran);
}

static void futex_waiter(void *p1, void *p2, void *p3)
{
	user_result = k_futex_wait(&user_futex, 0, K_FOREVER);
}

ZTEST(object_internals, test_a_futex_waiter_is_woken)
{
	atomic_set(&user_futex.val, 0);
	user_result = 1;
	k_thread_create(&user_thread, user_stack, STACK_SIZE, futex_waiter, NULL, NULL, NULL,
			-1, K_USER, K_NO_WAIT);
	k_sleep(K_MSEC(5));
	zassert_equal(user_result, 1, "still waiting");
	zassert_equal(k_futex_wake(&user_futex, false), 1);
	k_thread_join(&user_thread, K_FOREVER);
	zassert_equal(user_result, 0);
	zassert_equal(k_futex_wake(&user_futex, true), 0, "nobody left");
}

ZTEST_USER(object_internals, test_user_futex_checks)
{
	atomic_set(&user_futex.val, 7);
	zassert_equal(k_futex_wait(&user_futex, 6, K_FOREVER), -EAGAIN);
	zassert_equal(k_futex_wait(&user_futex, 7, K_NO_WAIT), -ETIMEDOUT);
	zassert_equal(k_futex_wait(&user_futex, 7, K_MSEC(2)), -ETIMEDOUT);
	zassert_equal(k_futex_wake(&kernel_futex, true), -EACCES, "kernel memory");
	zassert_equal(k_futex_wait(&kernel_futex, 0, K_NO_WAIT), -EACCES);
	zassert_equal(k_futex_wake((struct k_futex *)&plain_word, true), -EINVAL);
	zassert_equal(k_futex_wake((struct k_futex *)0xFFFFFFFC, true), -EACCES, "unmapped");
}

ZTEST_USER(object_internals, test_user_control_write_is_ignored)
{
	uint32_t control = __get_CONTROL();

	zassert_true((control & CONTROL_nPRIV_Msk) != 0);
	__set_CONTROL(control & ~CONTROL_nPRIV_Msk);
	barrier_dsync_fence_full();
	barrier_isync_fence_full();
	zassert_true((__get_CONTROL() & CONTROL_nPRIV_Msk) != 0, "still unprivileged");
	zassert_true(k_is_user_context());
	expect_fault(K_ERR_CPU_EXCEPTION);
	kernel_word = 1;
	zassert_unreachable("kernel memory written after a CONTROL write");
}

ZTEST_USER(object_internals, test_user_cannot_turn_the_mpu_off)
{
	expect_fault(K_ERR_CPU_EXCEPTION);
	arm_core_mpu_disable();
	zassert_unreachable("the MPU's control register was written");
}

ZTEST_USER(object_internals, test_user_cannot_read_its_privileged_stack)
{
	expect_fault(K_ERR_CPU_EXCEPTION);
	printk("%c\n", *priv_stack_byte);
	zassert_unreachable("privileged stack read");
}

ZTEST_USER(object_internals, test_user_cannot_write_its_privileged_stack)
{
	expect_fault(K_ERR_CPU_EXCEPTION);
	*priv_stack_byte = 42;
	zassert_unreachable("privileged stack written");
}

ZTEST_USER(object_internals, test_user_sys_mutex_is_judged_by_memory)
{
	/* No grant: a sys_mutex the thread may write is one it may use (Zephyr's rule). */
	zassert_equal(sys_mutex_lock(&user_mutex, K_NO_WAIT), 0);
	zassert_equal(sys_mutex_lock(&user_mutex, K_NO_WAIT), 0, "recursive");
	zassert_equal(sys_mutex_unlock(&user_mutex), 0);
	zassert_equal(sys_mutex_unlock(&user_mutex), 0);
	zassert_equal(sys_mutex_unlock(&user_mutex), -EINVAL, "not locked");
	zassert_equal(sys_mutex_lock(&kernel_memory_mutex, K_NO_WAIT), -EACCES,
		      "a sys_mutex outside the thread's memory");
	zassert_equal(sys_mutex_unlock(&kernel_memory_mutex), -EACCES);
	zassert_equal(sys_mutex_lock((struct sys_mutex *)&user_result, K_NO_WAIT), -EINVAL,
		      "a word of the thread's memory that is no sys_mutex");
}

static void sem_giver(void *p1, void *p2, void *p3)
{
	k_sleep(K_MSEC(2));
	user_result = sys_sem_give(&user_sem);
}

ZTEST_USER(object_internals, test_user_sys_sem_waits_on_its_futex)
{
	zassert_equal(sys_sem_init(&user_sem, 0, 2), 0);
	zassert_equal(sys_sem_init(&user_sem, 3, 2), -EINVAL);
	zassert_equal(sys_sem_take(&user_sem, K_NO_WAIT), -ETIMEDOUT);
	k_thread_create(&user_thread, user_stack, STACK_SIZE, sem_giver, NULL, NULL, NULL,
			-1, K_USER | K_INHERIT_PERMS, K_NO_WAIT);
	zassert_equal(sys_sem_take(&user_sem, K_FOREVER), 0, "woken by the giver");
	k_thread_join(&user_thread, K_FOREVER);
	zassert_equal(user_result, 0);
	zassert_equal(sys_sem_give(&user_sem), 0);
	zassert_equal(sys_sem_give(&user_sem), 0);
	zassert_equal(sys_sem_give(&user_sem), -EAGAIN, "at its limit");
	zassert_equal(sys_sem_count_get(&user_sem), 2);
}

static void *setup(void)
{
	priv_stack_byte = (volatile char *)z_priv_stack_find(ztest_thread_stack);
	zassert_not_null((void *)priv_stack_byte);
	zassert_is_null(z_priv_stack_find(&kernel_word), "not a stack object");
	/* Every test thread runs on the ztest thread object: grants to it wait for each. */
	k_object_access_grant(&user_thread, k_current_get());
	k_object_access_grant(user_stack, k_current_get());
	return NULL;
}

ZTEST_SUITE(object_internals, NULL, setup, NULL, NULL, NULL);
