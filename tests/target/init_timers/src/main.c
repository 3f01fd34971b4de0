/* Init levels (SYS_INIT) and the timer and clock helpers, from supervisor and user mode. */
#include <zephyr/init.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/speculation.h>
#include <zephyr/sys_clock.h>
#include <timeout_q.h>
#include <zephyr/ztest.h>
#include <errno.h>

/* Every init function appends its mark, with whether it ran privileged. */
static char init_order[16];
static int init_count;
static bool init_in_user_mode;
static int64_t uptime_at_application;

static void mark(char which)
{
	init_order[init_count++] = which;
	init_in_user_mode |= k_is_user_context();
}

/* Declared out of order: the runtime orders them by level, then priority, then name. */
static int app_late(void) { mark('F'); uptime_at_application = k_uptime_get(); return 0; }
static int app_early(void) { mark('E'); return 0; }
static int post_b(void) { mark('D'); return 0; }
static int post_a(void) { k_msleep(5); mark('C'); return 0; }
static int pre2(void) { mark('B'); return -EIO; } /* an error does not stop the boot */
static int pre1(void) { mark('A'); return 0; }

SYS_INIT(app_late, APPLICATION, 90);
SYS_INIT(app_early, APPLICATION, 10);
SYS_INIT(post_b, POST_KERNEL, 50);
SYS_INIT(post_a, POST_KERNEL, 50);
SYS_INIT(pre2, PRE_KERNEL_2, 0);
SYS_INIT(pre1, PRE_KERNEL_1, 99);

ZTEST(init_timers, test_init_levels_run_in_order_before_main)
{
	zassert_equal(init_count, 6);
	zassert_mem_equal(init_order, "ABCDEF", 6, "order %.6s", init_order);
	zassert_false(init_in_user_mode);
	/* post_a slept 5 ms, then BOOT_DELAY (20 ms) ran before the application level. */
	zassert_true(uptime_at_application >= 25, "%lld", uptime_at_application);
}

static K_THREAD_STACK_DEFINE(peer_stack, 1024);
static struct k_thread peer;
static K_SEM_DEFINE(peer_done, 0, 1);
static int peer_errno_after_sleep;

static void errno_peer(void *p1, void *p2, void *p3)
{
	errno = 222;
	k_msleep(2);
	peer_errno_after_sleep = errno;
	k_sem_give(&peer_done);
}

ZTEST(init_timers, test_each_thread_has_its_own_errno)
{
	errno = 111;
	k_thread_create(&peer, peer_stack, K_THREAD_STACK_SIZEOF(peer_stack), errno_peer, NULL,
			NULL, NULL, K_PRIO_PREEMPT(0), 0, K_NO_WAIT);
	k_msleep(1); /* the peer has set its errno and sleeps */
	zassert_equal(errno, 111);
	errno = 333;
	k_sem_take(&peer_done, K_FOREVER);
	zassert_equal(peer_errno_after_sleep, 222);
	zassert_equal(errno, 333);
}

K_TIMER_DEFINE(shared_timer, NULL, NULL);

ZTEST(init_timers, test_timer_user_data_is_the_struct_field)
{
	static struct k_timer timer;
	int cookie;

	timer.user_data = &cookie;
	k_timer_init(&timer, NULL, NULL);
	zassert_is_null(k_timer_user_data_get(&timer), "k_timer_init clears it");
	k_timer_user_data_set(&timer, &cookie);
	zassert_equal_ptr(timer.user_data, &cookie);
	timer.user_data = &timer;
	zassert_equal_ptr(k_timer_user_data_get(&timer), &timer);
}

ZTEST(init_timers, test_timer_expires_ticks)
{
	static struct k_timer timer;

	k_timer_init(&timer, NULL, NULL);
	zassert_equal(k_timer_expires_ticks(&timer), k_uptime_ticks(), "stopped: now");
	k_timer_start(&timer, K_TICKS(10), K_NO_WAIT);
	k_ticks_t expires = k_timer_expires_ticks(&timer);

	zassert_true(expires >= k_uptime_ticks() + 9 && expires <= k_uptime_ticks() + 10,
		     "%d", (int)expires);
	k_timer_status_sync(&timer);
	zassert_true(k_uptime_ticks() >= expires);
}

ZTEST_USER(init_timers, test_user_timer_calls)
{
	int cookie;

	k_timer_user_data_set(&shared_timer, &cookie);
	zassert_equal_ptr(k_timer_user_data_get(&shared_timer), &cookie);
	zassert_equal(k_timer_expires_ticks(&shared_timer), k_uptime_ticks());
}

ZTEST_USER(init_timers, test_user_timer_expires_ticks_of_null_faults)
{
	ztest_set_fault_valid(true);
	(void)k_timer_expires_ticks(NULL);
	ztest_test_fail();
}

ZTEST_USER(init_timers, test_user_timer_user_data_of_kernel_memory_faults)
{
	/* Not a timer: the kernel must not write user data into an arbitrary address. */
	ztest_set_fault_valid(true);
	k_timer_user_data_set((struct k_timer *)&init_count, NULL);
	ztest_test_fail();
}

ZTEST(init_timers, test_timepoints)
{
	k_timepoint_t soon = sys_timepoint_calc(K_MSEC(10));
	k_timepoint_t never = sys_timepoint_calc(K_FOREVER);

	zassert_false(sys_timepoint_expired(soon));
	zassert_true(sys_timepoint_cmp(soon, never) < 0);
	zassert_true(K_TIMEOUT_EQ(sys_timepoint_timeout(never), K_FOREVER));
	k_msleep(10);
	zassert_true(sys_timepoint_expired(soon));
	zassert_true(K_TIMEOUT_EQ(sys_timepoint_timeout(soon), K_NO_WAIT));
}

/* Constant expressions, as in Zephyr: usable in a static initialiser. */
static const uint32_t ten_ms_in_ticks = k_ms_to_ticks_ceil32(10);
static const k_timeout_t half_second = K_MSEC(500);

ZTEST(init_timers, test_time_conversions_are_constant)
{
	zassert_equal(ten_ms_in_ticks, CONFIG_SYS_CLOCK_TICKS_PER_SEC / 100);
	zassert_equal(half_second.ticks, CONFIG_SYS_CLOCK_TICKS_PER_SEC / 2);
	zassert_equal(k_cyc_to_ms_floor32(CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC + 1), 1000);
	zassert_equal(k_us_to_ticks_near64(1500), 2 * CONFIG_SYS_CLOCK_TICKS_PER_SEC / 1000);
}

ZTEST(init_timers, test_spinlock_and_index_sanitize)
{
	static struct k_spinlock lock;
	k_spinlock_key_t key = k_spin_lock(&lock);

	zassert_false(k_is_preempt_thread(), "interrupts are locked");
	k_spin_unlock(&lock, key);
	zassert_equal(k_array_index_sanitize(3, 4), 3);
	zassert_equal(k_array_index_sanitize(4, 4), 0);
	zassert_equal(k_array_index_sanitize(0xFFFFFFF0u, 4), 0);
}

static struct _timeout kernel_timeout;
static int64_t kernel_timeout_fired_at;

static void kernel_timeout_fired(struct _timeout *to)
{
	zassert_equal_ptr(to, &kernel_timeout);
	zassert_true(k_is_in_isr());
	kernel_timeout_fired_at = k_uptime_ticks();
}

ZTEST(init_timers, test_kernel_timeouts)
{
	zassert_equal(z_abort_timeout(&kernel_timeout), -EINVAL, "never armed");
	z_add_timeout(&kernel_timeout, kernel_timeout_fired, K_FOREVER);
	zassert_equal(z_abort_timeout(&kernel_timeout), -EINVAL, "K_FOREVER arms nothing");

	int64_t start = k_uptime_ticks();

	z_add_timeout(&kernel_timeout, kernel_timeout_fired, K_TICKS(5));
	k_sleep(K_TICKS(10));
	zassert_true(kernel_timeout_fired_at >= start + 5 && kernel_timeout_fired_at <= start + 6,
		     "%lld", kernel_timeout_fired_at - start);
	zassert_equal(z_abort_timeout(&kernel_timeout), -EINVAL, "already expired");

	kernel_timeout_fired_at = 0;
	z_add_timeout(&kernel_timeout, kernel_timeout_fired, K_TICKS(5));
	zassert_equal(z_abort_timeout(&kernel_timeout), 0);
	k_sleep(K_TICKS(10));
	zassert_equal(kernel_timeout_fired_at, 0, "aborted: never fired");
}

static void *setup(void)
{
	k_thread_access_grant(k_current_get(), &shared_timer);
	return NULL;
}

ZTEST_SUITE(init_timers, NULL, setup, NULL, NULL, NULL);
