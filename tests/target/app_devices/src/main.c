/* Application-defined devices: their init functions at boot by level and priority,
 * struct device's fields, readiness, lookup by name, the driver reached from
 * supervisor and user threads through application-defined system calls, and what the
 * kernel refuses a user thread (a device not granted, not a device, an operation the
 * driver lacks, memory not its own). */
#include <string.h>
#include <zephyr/ztest.h>
#include "demo_driver.h"

DEVICE_DECLARE(demo_early);
DEVICE_DECLARE(demo_mid);
DEVICE_DECLARE(demo_late);
DEVICE_DECLARE(demo_broken);
DEVICE_DECLARE(demo_read_only);
DEVICE_DECLARE(demo_opaque);

#define DT_DEMO DEVICE_DT_GET(DT_NODELABEL(demo0))

static K_SEM_DEFINE(a_semaphore, 0, 1);
static ZTEST_BMEM int value;
static int kernel_value;
static char kernel_name[] = "demo_late"; /* kernel memory: no user thread reads it */

ZTEST(app_devices, test_init_functions_ran_before_main_by_level_and_priority)
{
	static const char *const expected[] = {
		"demo_early", "demo_mid", "demo", "demo_late",
		"demo_broken", "demo_read_only", "demo_last",
	};

	zassert_equal(demo_init_count, ARRAY_SIZE(expected));
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
		zassert_str_equal(demo_init_order[i], expected[i], "init %zu", i);
	}
}

ZTEST(app_devices, test_struct_device_has_zephyrs_fields)
{
	const struct device *dev = DEVICE_GET(demo_late);
	const struct demo_config *config = dev->config;

	zassert_str_equal(dev->name, "demo_late");
	zassert_equal(config->start, 3);
	zassert_not_null(dev->api);
	zassert_not_null(dev->data);
	zassert_true(dev->state->initialized);
	zassert_equal(dev->state->init_res, 0);
	zassert_equal(dev->kind, K_OBJ_DRIVER_DEMO);
	zassert_equal(DEVICE_GET(demo_opaque)->kind, 0, "its API is no subsystem");
}

ZTEST(app_devices, test_readiness_follows_the_init_result)
{
	zassert_true(device_is_ready(DEVICE_GET(demo_early)));
	zassert_true(device_is_ready(DT_DEMO));
	zassert_true(device_is_ready(DEVICE_GET(demo_opaque)), "no init function: ready");
	zassert_false(device_is_ready(DEVICE_GET(demo_broken)));
	zassert_equal(DEVICE_GET(demo_broken)->state->init_res, EIO);
	zassert_false(device_is_ready(NULL));
	zassert_false(device_is_ready((const struct device *)&a_semaphore));
}

ZTEST(app_devices, test_a_ready_device_is_found_by_name)
{
	zassert_equal_ptr(device_get_binding("demo_mid"), DEVICE_GET(demo_mid));
	zassert_equal_ptr(device_get_binding("demo"), DT_DEMO);
	zassert_equal_ptr(device_get_binding(kernel_name), DEVICE_GET(demo_late));
	zassert_is_null(device_get_binding("demo_broken"), "its init failed");
	zassert_is_null(device_get_binding("no_such_device"));
	zassert_is_null(device_get_binding(NULL));
}

ZTEST(app_devices, test_a_supervisor_calls_the_driver)
{
	zassert_equal(demo_read(DT_DEMO, &kernel_value), 0);
	zassert_equal(kernel_value, 40, "the devicetree's start-value");
	zassert_equal(demo_bump(DEVICE_GET(demo_mid)), 3);
}

ZTEST_USER(app_devices, test_a_granted_user_thread_calls_the_driver)
{
	zassert_true(device_is_ready(DEVICE_GET(demo_late)));
	zassert_equal(demo_read(DEVICE_GET(demo_late), &value), 0);
	zassert_equal(value, 3);
	zassert_equal(demo_bump(DEVICE_GET(demo_late)), 4);
	zassert_equal(demo_read(DEVICE_GET(demo_late), &value), 0);
	zassert_equal(value, 4);
	/* Looking a device up needs no grant; a name it may not read finds nothing. */
	zassert_equal_ptr(device_get_binding("demo_early"), DEVICE_GET(demo_early));
	zassert_is_null(device_get_binding(kernel_name));
}

/* ---- what the kernel refuses a user thread (each ends its thread with an oops) ---- */

ZTEST_USER(app_devices, test_a_driver_not_granted_is_refused)
{
	ztest_set_fault_valid(true);
	(void)demo_read(DEVICE_GET(demo_early), &value);
	ztest_test_fail();
}

ZTEST_USER(app_devices, test_an_object_that_is_no_demo_device_is_refused)
{
	ztest_set_fault_valid(true);
	(void)demo_read((const struct device *)&a_semaphore, &value);
	ztest_test_fail();
}

ZTEST_USER(app_devices, test_an_operation_the_driver_lacks_is_refused)
{
	ztest_set_fault_valid(true);
	(void)demo_bump(DEVICE_GET(demo_read_only));
	ztest_test_fail();
}

ZTEST_USER(app_devices, test_memory_not_the_threads_own_is_refused)
{
	ztest_set_fault_valid(true);
	(void)demo_read(DEVICE_GET(demo_late), &kernel_value);
	ztest_test_fail();
}

ZTEST_USER(app_devices, test_asking_about_a_device_not_granted_is_refused)
{
	ztest_set_fault_valid(true);
	(void)device_is_ready(DEVICE_GET(demo_early));
	ztest_test_fail();
}

ZTEST_USER(app_devices, test_a_device_that_is_no_kernel_object_is_refused)
{
	ztest_set_fault_valid(true);
	(void)device_is_ready(DEVICE_GET(demo_opaque));
	ztest_test_fail();
}

static void *setup(void)
{
	k_thread_access_grant(k_current_get(), DEVICE_GET(demo_late),
			      DEVICE_GET(demo_read_only), &a_semaphore);
	/* Granting what is no kernel object does nothing (as in Zephyr). */
	k_object_access_grant(DEVICE_GET(demo_opaque), k_current_get());
	return NULL;
}

ZTEST_SUITE(app_devices, NULL, setup, NULL, NULL, NULL);
