/* Devices: what DEVICE_DT_GET() returns.  The build generates one `struct device` for
 * every enabled devicetree node a Levante driver serves (devices_generated.c), named
 * after the node's ordinal as in Zephyr; the driver itself is the kernel's. */
#ifndef ZEPHYR_DEVICE_H
#define ZEPHYR_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/devicetree.h>

struct device {
	const char *name;  /* the node's name, such as "gpio@40010000" */
	uint32_t kind;     /* the driver's K_OBJ_DRIVER_* number (the kernel reads it) */
	uint32_t address;  /* the node's register address: which of the board's devices */
};

#define DEVICE_DT_NAME_GET(node_id) UTIL_CAT(__device_dts_ord_, DT_DEP_ORD(node_id))
#define DEVICE_DT_GET(node_id) (&DEVICE_DT_NAME_GET(node_id))
#define DEVICE_DT_DECLARE(node_id) extern const struct device DEVICE_DT_NAME_GET(node_id)
#define DEVICE_DT_GET_OR_NULL(node_id) \
	COND_CODE_1(DT_NODE_HAS_STATUS(node_id, okay), (DEVICE_DT_GET(node_id)), (NULL))
#define DEVICE_DT_INST_GET(inst) DEVICE_DT_GET(DT_DRV_INST(inst))
#define DEVICE_DT_GET_ANY(compat) \
	COND_CODE_1(DT_HAS_COMPAT_STATUS_OKAY(compat), \
		    (DEVICE_DT_GET(DT_COMPAT_GET_ANY_STATUS_OKAY(compat))), (NULL))
#define DEVICE_DT_GET_ONE(compat) DEVICE_DT_GET(DT_COMPAT_GET_ANY_STATUS_OKAY(compat))
#define DEVICE_NAME_GET(dev_id) _CONCAT(__device_, dev_id)

/* Every device the build generated (devices_generated.h). */
#include <generated/levante/devices_generated.h>

/* Whether the device exists and its driver is ready (Levante's drivers are ready from
 * boot, before main).  A function, not inline, as Zephyr's system call: what it
 * checks is the driver's business, not something the caller's compiler reasons on. */
bool device_is_ready(const struct device *dev);

/* The device whose devicetree node is called `name` (such as "gpio@40010000"), or
 * NULL. */
const struct device *device_get_binding(const char *name);

#endif
