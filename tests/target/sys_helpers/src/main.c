/* Bit arrays, bits at addresses, printk's hook and integer widths, idling, k_wakeup of a
 * thread asleep forever, and a static variable a timer callback changes during a call. */
#include <zephyr/kernel.h>
#include <zephyr/irq_offload.h>
#include <zephyr/kernel_version.h>
#include <zephyr/sys/bitarray.h>
#include <zephyr/ztest.h>
#include <errno.h>
#include <string.h>

SYS_BITARRAY_DEFINE_STATIC(bits, 70);

ZTEST(sys_helpers, test_bitarray_regions)
{
	size_t offset, count, found;
	int value;

	zassert_equal(bits.num_bundles, 3);
	zassert_equal(sys_bitarray_alloc(&bits, 40, &offset), 0);
	zassert_equal(offset, 0);
	zassert_equal(sys_bitarray_alloc(&bits, 40, &offset), -ENOSPC);
	zassert_equal(sys_bitarray_alloc(&bits, 30, &offset), 0);
	zassert_equal(offset, 40);
	zassert_equal(bits.bundles[2], 0x3F, "bits 64..69");
	zassert_equal(sys_bitarray_free(&bits, 10, 35), 0);
	zassert_equal(sys_bitarray_free(&bits, 10, 35), -EFAULT, "already free");
	zassert_equal(sys_bitarray_popcount_region(&bits, 70, 0, &count), 0);
	zassert_equal(count, 60);
	zassert_equal(sys_bitarray_find_nth_set(&bits, 36, 70, 0, &found), 0);
	zassert_equal(found, 45);
	zassert_equal(sys_bitarray_find_nth_set(&bits, 61, 70, 0, &found), 1);
	zassert_equal(sys_bitarray_test_and_set_bit(&bits, 35, &value), 0);
	zassert_equal(value, 0);
	zassert_equal(sys_bitarray_test_and_set_region(&bits, 9, 36, true), 0);
	zassert_true(sys_bitarray_is_region_set(&bits, 70, 0));
	zassert_equal(sys_bitarray_test_and_set_region(&bits, 2, 0, true), -EEXIST);
	zassert_equal(sys_bitarray_clear_region(&bits, 70, 0), 0);
	zassert_true(sys_bitarray_is_region_cleared(&bits, 70, 0));
	/* Regions past the end, empty ones and huge sizes are refused, never wrapped. */
	zassert_equal(sys_bitarray_set_region(&bits, 1, 70), -EINVAL);
	zassert_equal(sys_bitarray_set_region(&bits, 0, 0), -EINVAL);
	zassert_equal(sys_bitarray_set_region(&bits, SIZE_MAX, 2), -EINVAL);
	zassert_equal(sys_bitarray_set_bit(&bits, 70), -EINVAL);
	zassert_false(sys_bitarray_is_region_set(&bits, 2, SIZE_MAX));
}

ZTEST(sys_helpers, test_bits_at_addresses)
{
	uint32_t words[2] = { 0, 0 };

	sys_bitfield_set_bit((mem_addr_t)words, 33);
	zassert_equal(words[1], 2);
	zassert_true(sys_bitfield_test_and_clear_bit((mem_addr_t)words, 33));
	zassert_equal(words[1], 0);
	zassert_false(sys_test_and_set_bit((mem_addr_t)words, 31));
	zassert_equal(words[0], 0x80000000u);
	zassert_equal(find_msb_set(words[0]), 32);
	zassert_equal(find_lsb_set(0), 0);
}

ZTEST(sys_helpers, test_version)
{
	uint32_t version = sys_kernel_version_get();

	zassert_equal(SYS_KERNEL_VER_MAJOR(version), KERNEL_VERSION_MAJOR);
	zassert_equal(SYS_KERNEL_VER_MINOR(version), KERNEL_VERSION_MINOR);
}

static char captured[128];
static size_t captured_length;
static int (*console_out)(int);

static int capture(int character)
{
	if (captured_length < sizeof(captured) - 1) {
		captured[captured_length++] = (char)character;
	}
	return console_out(character);
}

ZTEST(sys_helpers, test_printk_hook_and_integer_width)
{
	console_out = __printk_get_hook();
	__printk_hook_install(capture);
	printk("%lld|%lld|%llu|%5llx|%d\n", 42LL, -5000000000LL, 4294967296ULL, 0xABCULL, 7);
	__printk_hook_install(console_out);
	captured[captured_length] = '\0';
#ifdef CONFIG_CBPRINTF_REDUCED_INTEGRAL
	zassert_str_equal(captured, "42|ERR|ERR|  abc|7\n");
#else
	zassert_str_equal(captured, "42|-5000000000|4294967296|  abc|7\n");
#endif
	zassert_equal_ptr(__printk_get_hook(), console_out);
}

static struct k_timer idle_timer;

ZTEST(sys_helpers, test_cpu_idle_wakes_for_a_masked_timeout)
{
	k_timer_init(&idle_timer, NULL, NULL);
	k_timer_start(&idle_timer, K_TICKS(3), K_NO_WAIT);
	int64_t start = k_uptime_ticks();
	unsigned int key = irq_lock();

	k_cpu_atomic_idle(key);
	zassert_true(k_uptime_ticks() - start <= 4, "%lld", k_uptime_ticks() - start);
	zassert_equal(k_timer_status_get(&idle_timer), 1, "taken once unlocked");
}

static bool yield_allowed_in_isr = true;

static void ask_in_isr(const void *unused)
{
	ARG_UNUSED(unused);
	yield_allowed_in_isr = k_can_yield();
}

ZTEST(sys_helpers, test_can_yield)
{
	zassert_true(k_can_yield());
	zassert_false(k_is_pre_kernel());
	irq_offload(ask_in_isr, NULL);
	zassert_false(yield_allowed_in_isr);
}

static K_THREAD_STACK_DEFINE(sleeper_stack, 1024);
static struct k_thread sleeper;
static int32_t sleeper_result;

static void sleep_forever(void *p1, void *p2, void *p3)
{
	sleeper_result = k_sleep(K_FOREVER);
}

ZTEST(sys_helpers, test_wakeup_ends_a_sleep_forever)
{
	k_tid_t tid = k_thread_create(&sleeper, sleeper_stack, K_THREAD_STACK_SIZEOF(sleeper_stack),
				      sleep_forever, NULL, NULL, NULL, K_PRIO_COOP(1), 0, K_NO_WAIT);

	k_msleep(1);
	k_wakeup(tid);
	zassert_equal(k_thread_join(tid, K_MSEC(10)), 0);
	zassert_equal(sleeper_result, K_TICKS_FOREVER);
}

/* Not volatile, as in Zephyr's own tests: the compiler must still read it again after a
 * system call, during which the timer's callback changes it. */
static int expiries;

static void count_expiry(struct k_timer *timer)
{
	ARG_UNUSED(timer);
	expiries++;
}

K_TIMER_DEFINE(counting_timer, count_expiry, NULL);

ZTEST(sys_helpers, test_statics_are_read_again_after_a_call)
{
	expiries = 0;
	k_timer_start(&counting_timer, K_MSEC(2), K_NO_WAIT);
	k_busy_wait(5000);
	zassert_equal(expiries, 1);
}

ZTEST_SUITE(sys_helpers, NULL, NULL, NULL, NULL, NULL);
