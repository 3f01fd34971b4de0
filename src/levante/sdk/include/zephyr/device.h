/* Devices: what DEVICE_DT_GET() returns. Levante boards have two: the entropy device and
 * the flash controller. */
#ifndef ZEPHYR_DEVICE_H
#define ZEPHYR_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <zephyr/devicetree.h>

/* A device the kernel knows by address; its driver lives in the kernel. */
struct device {
	const char *name;
};

#define Z_DEVICE_DT_NAME(node_id) __device_dts_ord_##node_id
#define Z_DEVICE_DT_GET(node_id) (&Z_DEVICE_DT_NAME(node_id))
#define DEVICE_DT_GET(node_id) Z_DEVICE_DT_GET(node_id)
#define DEVICE_DT_DECLARE(node_id) extern const struct device Z_DEVICE_DT_NAME(node_id)

static inline bool device_is_ready(const struct device *dev)
{
	return dev != NULL && dev->name != NULL;
}

#endif
