/* The board's devices: the entropy device and the flash controller (kernel objects the
 * kernel serves). */
#include <zephyr/kernel.h>
#include <zephyr/device.h>

#ifdef CONFIG_ENTROPY_GENERATOR
const struct device __device_dts_ord_entropy = {
	.name = "trng",
};
#endif

#ifdef CONFIG_FLASH
const struct device __device_dts_ord_flash_controller = {
	.name = "flash-controller",
};
#endif
