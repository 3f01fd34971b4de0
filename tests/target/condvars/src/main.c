/* Condition variables: who a signal wakes, what a broadcast counts, the mutex given up
 * while waiting and held again after, timeouts, ISRs, and the user rules (permission on
 * both objects, an initialised condition variable). */
#include <zephyr/ztest.h>
#include <zephyr/irq_offload.h>

K_CONDVAR_DEFINE(cond);
K_CONDVAR_DEFINE(cond_not_granted);
K_MUTEX_DEFINE(lock);
K_MUTEX_DEFINE(lock_not_granted);
struct k_condvar cond_never_initialised;

#define WAITERS 3
static struct k_thread waiters[WAITERS];
static K_THREAD_STACK_ARRAY_DEFINE(waiter_stacks, WAITERS, 1024);
static struct k_thread helper;
static K_THREAD_STACK_DEFINE(helper_stack, 1024);

static ZTEST_BMEM int woken_order[WAITERS];
static ZTEST_BMEM int woken_count;
static ZTEST_BMEM int wait_results[WAITERS];
static ZTEST_BMEM bool predicate;

static void waiter(void *p1, void *p2, void *p3)
{
	int id = POINTER_TO_INT(p1);

	k_mutex_lock(&lock, K_FOREVER);
	wait_results[id] = k_condvar_wait(&cond, &lock, K_FOREVER);
	woken_order[woken_count++] = id;
	k_mutex_unlock(&lock);
}

static void start_waiters(int count, bool user)
{
	for (int i = 0; i < count; i++) {
		/* Lower id, more important: id 0 runs at priority 1, id 2 at 3. */
		k_thread_create(&waiters[i], waiter_stacks[i], K_THREAD_STACK_SIZEOF(waiter_stacks[i]),
				waiter, INT_TO_POINTER(i), NULL, NULL, i + 1,
				(user ? K_USER : 0) | K_INHERIT_PERMS, K_NO_WAIT);
	}
	k_msleep(10); /* they all wait now */
}

static void join_waiters(int count)
{
	for (int i = 0; i < count; i++) {
		k_thread_join(&waiters[i], K_FOREVER);
	}
}

ZTEST(condvars, test_signal_wakes_the_most_important_waiter_first)
{
	start_waiters(WAITERS, false);
	/* Signalled in reverse creation order of importance: best first each time. */
	for (int i = 0; i < WAITERS; i++) {
		zassert_equal(k_condvar_signal(&cond), 0);
		k_msleep(1);
		zassert_equal(woken_count, i + 1);
	}
	join_waiters(WAITERS);
	for (int i = 0; i < WAITERS; i++) {
		zassert_equal(woken_order[i], i, "woken %d-th: %d", i, woken_order[i]);
		zassert_equal(wait_results[i], 0);
	}
}

ZTEST(condvars, test_broadcast_wakes_every_waiter_and_counts_them)
{
	zassert_equal(k_condvar_broadcast(&cond), 0, "nobody waits yet");
	zassert_equal(k_condvar_signal(&cond), 0, "a signal with nobody waiting is lost");
	start_waiters(WAITERS, false);
	zassert_equal(k_condvar_broadcast(&cond), WAITERS);
	join_waiters(WAITERS);
	zassert_equal(woken_count, WAITERS);
}

static void try_lock(void *p1, void *p2, void *p3)
{
	*(int *)p1 = k_mutex_lock(&lock, K_NO_WAIT);
	if (*(int *)p1 == 0) {
		predicate = true;
		k_condvar_signal(&cond);
		k_mutex_unlock(&lock);
	}
}

ZTEST(condvars, test_waiting_gives_the_mutex_up_and_takes_it_back)
{
	int helper_locked = 1;

	k_mutex_lock(&lock, K_FOREVER);
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), try_lock,
			&helper_locked, NULL, NULL, 0, 0, K_NO_WAIT);
	while (!predicate) {
		zassert_equal(k_condvar_wait(&cond, &lock, K_FOREVER), 0);
	}
	zassert_equal(helper_locked, 0, "the mutex was free while main waited");
	/* Held again: another thread cannot take it now. */
	k_thread_join(&helper, K_FOREVER);
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), try_lock,
			&helper_locked, NULL, NULL, 0, 0, K_NO_WAIT);
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(helper_locked, -EBUSY);
	k_mutex_unlock(&lock);
}

ZTEST(condvars, test_a_wait_times_out_with_eagain_holding_the_mutex)
{
	int helper_locked = 0;
	int64_t start = k_uptime_get();

	k_mutex_lock(&lock, K_FOREVER);
	zassert_equal(k_condvar_wait(&cond, &lock, K_NO_WAIT), -EAGAIN);
	zassert_equal(k_condvar_wait(&cond, &lock, K_MSEC(20)), -EAGAIN);
	zassert_true(k_uptime_get() - start >= 20);
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), try_lock,
			&helper_locked, NULL, NULL, 0, 0, K_NO_WAIT);
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(helper_locked, -EBUSY);
	k_mutex_unlock(&lock);
}

static void signal_from_isr(const void *parameter)
{
	zassert_equal(k_condvar_signal((struct k_condvar *)parameter), 0);
}

ZTEST(condvars, test_an_isr_signals)
{
	start_waiters(1, false);
	irq_offload(signal_from_isr, &cond);
	join_waiters(1);
	zassert_equal(woken_count, 1);
}

ZTEST(condvars, test_user_threads_wait_and_are_woken)
{
	start_waiters(2, true);
	zassert_equal(k_condvar_broadcast(&cond), 2);
	join_waiters(2);
	zassert_equal(woken_count, 2);
	zassert_equal(wait_results[0], 0);
	zassert_equal(wait_results[1], 0);
}

/* ---- what a user thread may not do ----------------------------------------------------- */

ZTEST_USER(condvars, test_user_init_of_null_oopses)
{
	ztest_set_fault_valid(true);
	k_condvar_init(NULL);
	ztest_test_fail();
}

ZTEST_USER(condvars, test_user_signal_without_permission_oopses)
{
	ztest_set_fault_valid(true);
	k_condvar_signal(&cond_not_granted);
	ztest_test_fail();
}

ZTEST_USER(condvars, test_user_wait_with_a_mutex_without_permission_oopses)
{
	ztest_set_fault_valid(true);
	k_condvar_wait(&cond, &lock_not_granted, K_NO_WAIT);
	ztest_test_fail();
}

ZTEST_USER(condvars, test_user_broadcast_on_an_uninitialised_condvar_oopses)
{
	ztest_set_fault_valid(true);
	k_condvar_broadcast(&cond_never_initialised);
	ztest_test_fail();
}

ZTEST_USER(condvars, test_user_wait_with_a_mutex_as_the_condvar_oopses)
{
	ztest_set_fault_valid(true);
	k_condvar_wait((struct k_condvar *)&lock, &lock, K_NO_WAIT);
	ztest_test_fail();
}

static void before_each(void *fixture)
{
	ARG_UNUSED(fixture);
	woken_count = 0;
	predicate = false;
	for (int i = 0; i < WAITERS; i++) {
		woken_order[i] = -1;
		wait_results[i] = 1;
	}
	k_thread_access_grant(k_current_get(), &cond, &lock, &cond_never_initialised, &helper,
			      &helper_stack);
	for (int i = 0; i < WAITERS; i++) {
		k_thread_access_grant(k_current_get(), &waiters[i], &waiter_stacks[i]);
	}
}

ZTEST_SUITE(condvars, NULL, NULL, before_each, NULL, NULL);
