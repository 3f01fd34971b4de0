/* The demo driver and its devices: some defined by name at several levels and
 * priorities, one whose initialisation fails, one read-only, one from the devicetree,
 * and one whose API is no driver subsystem. */
#define DT_DRV_COMPAT levante_test_demo

#include <zephyr/kernel.h>
#include "demo_driver.h"

const char *demo_init_order[8];
int demo_init_count;

static int demo_read_value(const struct device *dev, int *value)
{
	const struct demo_data *data = dev->data;

	*value = data->value;
	return 0;
}

static int demo_bump_value(const struct device *dev)
{
	struct demo_data *data = dev->data;

	return ++data->value;
}

static const struct demo_driver_api demo_api = {
	.read = demo_read_value,
	.bump = demo_bump_value,
};

static const struct demo_driver_api read_only_api = {
	.read = demo_read_value,
};

static int demo_init(const struct device *dev)
{
	const struct demo_config *config = dev->config;
	struct demo_data *data = dev->data;

	if (demo_init_count < (int)ARRAY_SIZE(demo_init_order)) {
		demo_init_order[demo_init_count++] = dev->name;
	}
	data->value = config->start;
	return 0;
}

static int broken_init(const struct device *dev)
{
	demo_init(dev);
	return -EIO;
}

#define DEMO_DEVICE(id, dev_name, init, level, prio, start_value, api)                      \
	static const struct demo_config id##_config = { .start = (start_value) };          \
	static struct demo_data id##_data;                                                 \
	DEVICE_DEFINE(id, dev_name, init, NULL, &id##_data, &id##_config, level, prio, api)

/* Defined out of order: they initialise by level, then priority (7 before 60). */
DEMO_DEVICE(demo_late, "demo_late", demo_init, POST_KERNEL, 60, 3, &demo_api);
DEMO_DEVICE(demo_early, "demo_early", demo_init, PRE_KERNEL_1, 5, 1, &demo_api);
DEMO_DEVICE(demo_mid, "demo_mid", demo_init, POST_KERNEL, 7, 2, &demo_api);
DEMO_DEVICE(demo_broken, "demo_broken", broken_init, APPLICATION, 1, 0, &demo_api);
DEMO_DEVICE(demo_read_only, "demo_read_only", demo_init, APPLICATION, 2, 9, &read_only_api);
/* Three digits: after every priority of one or two. */
DEMO_DEVICE(demo_last, "demo_last", demo_init, APPLICATION, 100, 5, &demo_api);

/* A device whose API is no subsystem: no kernel object, for the driver alone. */
static const int opaque_api = 7;
DEVICE_DEFINE(demo_opaque, "demo_opaque", NULL, NULL, NULL, NULL, APPLICATION, 3, &opaque_api);

#define DEMO_DT_DEVICE(inst)                                                               \
	static const struct demo_config dt_config_##inst = {                                \
		.start = DT_INST_PROP(inst, start_value)};                                 \
	static struct demo_data dt_data_##inst;                                            \
	DEVICE_DT_INST_DEFINE(inst, demo_init, NULL, &dt_data_##inst, &dt_config_##inst,   \
			      POST_KERNEL, CONFIG_KERNEL_INIT_PRIORITY_DEVICE, &demo_api);
DT_INST_FOREACH_STATUS_OKAY(DEMO_DT_DEVICE)
