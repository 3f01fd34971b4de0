/* The demo driver's verification functions: the device must be a demo device the user
 * thread was granted, implementing the operation, and the destination its own. */
#include <zephyr/kernel.h>
#include <zephyr/internal/syscall_handler.h>
#include "demo_driver.h"

static inline int z_vrfy_demo_read(const struct device *dev, int *value)
{
	K_OOPS(K_SYSCALL_DRIVER_DEMO(dev, read));
	K_OOPS(K_SYSCALL_MEMORY_WRITE(value, sizeof(*value)));
	return z_impl_demo_read(dev, value);
}
#include <zephyr/syscalls/demo_read_mrsh.c>

static inline int z_vrfy_demo_bump(const struct device *dev)
{
	K_OOPS(K_SYSCALL_DRIVER_DEMO(dev, bump));
	return z_impl_demo_bump(dev);
}
#include <zephyr/syscalls/demo_bump_mrsh.c>
