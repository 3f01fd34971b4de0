/* The board's devices: the entropy device (a kernel object the kernel serves). */
#include <zephyr/kernel.h>
#include <zephyr/device.h>

#ifdef CONFIG_ENTROPY_GENERATOR
const struct device __device_dts_ord_entropy = {
	.name = "trng",
};
#endif
