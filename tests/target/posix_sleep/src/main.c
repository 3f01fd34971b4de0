/* sleep() and usleep() with CONFIG_POSIX_API: the time they take (simulated, so exact to
 * the tick), their refusal of a second or more, and k_wakeup ending them early, from a
 * supervisor and a user thread. */
#include <errno.h>
#include <unistd.h>
#include <zephyr/kernel.h>
#include <zephyr/ztest.h>

#define WAKER_STACK 1024
K_THREAD_STACK_DEFINE(waker_stack, WAKER_STACK);
static struct k_thread waker_thread;

static void wake_after(void *target, void *delay_ms, void *unused)
{
	ARG_UNUSED(unused);
	k_msleep((int32_t)(uintptr_t)delay_ms);
	k_wakeup((k_tid_t)target);
}

/* A thread more urgent than the caller that wakes it after `delay_ms`. */
static k_tid_t start_waker(int32_t delay_ms)
{
	return k_thread_create(&waker_thread, waker_stack, WAKER_STACK, wake_after,
			       k_current_get(), (void *)(uintptr_t)delay_ms, NULL,
			       K_PRIO_PREEMPT(0), 0, K_NO_WAIT);
}

ZTEST(posix_sleep, test_usleep_takes_its_time)
{
	int64_t start = k_uptime_get();

	errno = 0;
	zassert_equal(usleep(250000), 0);
	zassert_true(k_uptime_get() - start >= 250, "slept %d ms",
		     (int)(k_uptime_get() - start));
	zassert_true(k_uptime_get() - start <= 260);
	zassert_equal(usleep(0), 0);
	zassert_equal(errno, 0);
}

ZTEST(posix_sleep, test_usleep_refuses_a_second_or_more)
{
	int64_t start = k_uptime_get();

	errno = 0;
	zassert_equal(usleep(1000000), -1);
	zassert_equal(errno, EINVAL);
	zassert_equal(usleep(0xFFFFFFFFUL), -1);
	zassert_equal(errno, EINVAL);
	zassert_true(k_uptime_get() - start < 10, "a refused usleep took no time");
}

ZTEST(posix_sleep, test_sleep_takes_whole_seconds)
{
	int64_t start = k_uptime_get();

	zassert_equal(sleep(2), 0);
	zassert_true(k_uptime_get() - start >= 2000);
	zassert_true(k_uptime_get() - start <= 2010);
	zassert_equal(sleep(0), 0);
}

ZTEST(posix_sleep, test_k_wakeup_ends_them_early)
{
	k_tid_t waker = start_waker(1500);
	int64_t start = k_uptime_get();

	/* 5 s asked, woken after 1.5 s: 3.5 s left, 3 whole seconds reported. */
	zassert_equal(sleep(5), 3);
	zassert_true(k_uptime_get() - start < 1600);
	k_thread_join(waker, K_FOREVER);

	waker = start_waker(100);
	errno = 0;
	zassert_equal(usleep(900000), -1);
	zassert_equal(errno, EINTR);
	k_thread_join(waker, K_FOREVER);
}

ZTEST_USER(posix_sleep, test_a_user_thread_sleeps_and_is_refused_alike)
{
	int64_t start = k_uptime_get();

	zassert_equal(usleep(20000), 0);
	zassert_true(k_uptime_get() - start >= 20);
	errno = 0;
	zassert_equal(usleep(1000000), -1);
	zassert_equal(errno, EINVAL);
	zassert_equal(sleep(1), 0);
	zassert_true(k_uptime_get() - start >= 1020);
}

ZTEST_SUITE(posix_sleep, NULL, NULL, NULL, NULL, NULL);
