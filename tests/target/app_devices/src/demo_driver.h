/* The test's driver subsystem: a counter each device keeps, read and bumped through
 * application-defined system calls. */
#ifndef DEMO_DRIVER_H
#define DEMO_DRIVER_H

#include <zephyr/device.h>

typedef int (*demo_read_t)(const struct device *dev, int *value);
typedef int (*demo_bump_t)(const struct device *dev);

__subsystem struct demo_driver_api {
	demo_read_t read;
	demo_bump_t bump; /* NULL in a driver that cannot bump */
};

struct demo_config {
	int start;
};

struct demo_data {
	int value;
};

__syscall int demo_read(const struct device *dev, int *value);

static inline int z_impl_demo_read(const struct device *dev, int *value)
{
	const struct demo_driver_api *api = dev->api;

	return api->read(dev, value);
}

__syscall int demo_bump(const struct device *dev);

static inline int z_impl_demo_bump(const struct device *dev)
{
	const struct demo_driver_api *api = dev->api;

	return api->bump(dev);
}

/* The order the init functions ran in, by device name. */
extern const char *demo_init_order[8];
extern int demo_init_count;

#include <zephyr/syscalls/demo_driver.h>

#endif
