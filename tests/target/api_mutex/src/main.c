/* k_mutex semantics.  Prints "PASS <name>" or "FAIL <name>: expected X got Y". */
#include <zephyr/kernel.h>

static void check(const char *name, long long expected, long long actual)
{
	if (expected == actual) {
		printk("PASS %s\n", name);
	} else {
		printk("FAIL %s: expected %lld got %lld\n", name, expected, actual);
	}
}

#define LOW_PRIO 10
#define HIGH_PRIO 3
#define TIMED_PRIO 6

K_MUTEX_DEFINE(rec_mutex);
K_MUTEX_DEFINE(pi_mutex);
K_SEM_DEFINE(low_locked, 0, 1);
K_SEM_DEFINE(low_release, 0, 1);

K_THREAD_STACK_DEFINE(low_stack, 1024);
K_THREAD_STACK_DEFINE(high_stack, 1024);
K_THREAD_STACK_DEFINE(other_stack, 1024);
static struct k_thread low_thread, high_thread, other_thread;

static volatile int other_result;
static volatile int low_prio_before_unlock, low_prio_after_unlock;
static volatile int high_lock_result = 1;
static volatile int high_prio_in_lock;
static char sequence[8];
static int sequence_len;

static void mark(char c)
{
	sequence[sequence_len++] = c;
}

static void test_recursive(void)
{
	check("lock_1", 0, k_mutex_lock(&rec_mutex, K_NO_WAIT));
	check("lock_2_recursive", 0, k_mutex_lock(&rec_mutex, K_FOREVER));
	check("lock_3_recursive", 0, k_mutex_lock(&rec_mutex, K_MSEC(10)));
	check("unlock_3", 0, k_mutex_unlock(&rec_mutex));
	check("unlock_2", 0, k_mutex_unlock(&rec_mutex));
	check("unlock_1", 0, k_mutex_unlock(&rec_mutex));
	check("unlock_unlocked_einval", -EINVAL, k_mutex_unlock(&rec_mutex));

	struct k_mutex runtime_mutex;

	check("init", 0, k_mutex_init(&runtime_mutex));
	check("runtime_lock", 0, k_mutex_lock(&runtime_mutex, K_NO_WAIT));
	check("runtime_unlock", 0, k_mutex_unlock(&runtime_mutex));
}

static void unlock_not_owner(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	other_result = k_mutex_unlock(&rec_mutex);
}

static void lock_no_wait(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	other_result = k_mutex_lock(&rec_mutex, K_NO_WAIT);
}

static void test_ownership(void)
{
	k_mutex_lock(&rec_mutex, K_FOREVER);
	other_result = 1;
	k_thread_create(&other_thread, other_stack, K_THREAD_STACK_SIZEOF(other_stack),
			unlock_not_owner, NULL, NULL, NULL, K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	k_thread_join(&other_thread, K_FOREVER);
	check("unlock_by_non_owner_eperm", -EPERM, other_result);

	other_result = 1;
	k_thread_create(&other_thread, other_stack, K_THREAD_STACK_SIZEOF(other_stack),
			lock_no_wait, NULL, NULL, NULL, K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	k_thread_join(&other_thread, K_FOREVER);
	check("lock_owned_no_wait_ebusy", -EBUSY, other_result);
	check("owner_still_unlocks", 0, k_mutex_unlock(&rec_mutex));
}

static void low_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	k_mutex_lock(&pi_mutex, K_FOREVER);
	k_sem_give(&low_locked);
	k_sem_take(&low_release, K_FOREVER);
	low_prio_before_unlock = k_thread_priority_get(k_current_get());
	mark('u');
	k_mutex_unlock(&pi_mutex); /* the boosted waiter takes over at once */
	mark('l');
	low_prio_after_unlock = k_thread_priority_get(k_current_get());
}

static void high_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	high_lock_result = k_mutex_lock(&pi_mutex, p1 == NULL ? K_FOREVER : K_MSEC(5));
	if (high_lock_result == 0) {
		mark('h');
		high_prio_in_lock = k_thread_priority_get(k_current_get());
		k_mutex_unlock(&pi_mutex);
	}
}

static void test_priority_inheritance(void)
{
	k_thread_create(&low_thread, low_stack, K_THREAD_STACK_SIZEOF(low_stack), low_entry,
			NULL, NULL, NULL, LOW_PRIO, 0, K_NO_WAIT);
	k_sem_take(&low_locked, K_FOREVER);
	check("owner_base_priority", LOW_PRIO, k_thread_priority_get(&low_thread));

	/* A waiter that gives up: the owner is boosted while it waits, then drops back. */
	k_thread_create(&high_thread, high_stack, K_THREAD_STACK_SIZEOF(high_stack), high_entry,
			(void *)1, NULL, NULL, TIMED_PRIO, 0, K_NO_WAIT);
	k_msleep(1);
	check("owner_boosted_by_timed_waiter", TIMED_PRIO, k_thread_priority_get(&low_thread));
	k_thread_join(&high_thread, K_FOREVER);
	check("timed_waiter_eagain", -EAGAIN, high_lock_result);
	check("owner_restored_after_waiter_timeout", LOW_PRIO,
	      k_thread_priority_get(&low_thread));

	/* A waiter that stays: the owner runs at its priority until it unlocks. */
	high_lock_result = 1;
	k_thread_create(&high_thread, high_stack, K_THREAD_STACK_SIZEOF(high_stack), high_entry,
			NULL, NULL, NULL, HIGH_PRIO, 0, K_NO_WAIT);
	k_msleep(1);
	check("waiter_blocked", 1, high_lock_result);
	check("owner_boosted_to_waiter_priority", HIGH_PRIO, k_thread_priority_get(&low_thread));
	check("waiter_priority_unchanged", HIGH_PRIO, k_thread_priority_get(&high_thread));
	k_sem_give(&low_release);
	k_thread_join(&low_thread, K_FOREVER);
	k_thread_join(&high_thread, K_FOREVER);
	sequence[sequence_len] = '\0';
	check("owner_ran_boosted", HIGH_PRIO, low_prio_before_unlock);
	check("owner_restored_after_unlock", LOW_PRIO, low_prio_after_unlock);
	check("waiter_got_mutex", 0, high_lock_result);
	check("waiter_priority_own", HIGH_PRIO, high_prio_in_lock);
	if (sequence[0] == 'u' && sequence[1] == 'h' && sequence[2] == 'l' && sequence_len == 3) {
		printk("PASS waiter_preempts_on_unlock\n");
	} else {
		printk("FAIL waiter_preempts_on_unlock: expected uhl got %s\n", sequence);
	}
}

int main(void)
{
	test_recursive();
	test_ownership();
	test_priority_inheritance();
	printk("DONE\n");
	return 0;
}
