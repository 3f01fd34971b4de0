/* The application's devices' initialisation (DEVICE_DEFINE's init functions): run by
 * the main thread before main(), in supervisor mode, by level and then priority (the
 * linker script sorts the entries).  Each result goes into the device's state, where
 * the kernel reads it for device_is_ready(), as Zephyr records it. */
#include <zephyr/kernel.h>
#include <zephyr/device.h>

extern const struct z_device_init_entry __device_init_start[];
extern const struct z_device_init_entry __device_init_end[];

void z_devices_init(uint32_t first_level, uint32_t last_level)
{
	for (const struct z_device_init_entry *entry = __device_init_start;
	     entry < __device_init_end; entry++) {
		if (entry->level < first_level || entry->level > last_level) {
			continue;
		}
		int result = entry->init != NULL ? entry->init(entry->dev) : 0;

		/* Zephyr keeps the error's magnitude in a byte. */
		if (result < 0) {
			result = -result;
		}
		entry->dev->state->init_res = (uint8_t)MIN(result, UINT8_MAX);
		entry->dev->state->initialized = true;
	}
}
