/* MCUboot's public API on the application side (Zephyr's subsys/dfu/boot/mcuboot.c):
 * the confirm, request and swap-type calls are system calls the boot stage serves;
 * erasing a bank is library code over the flash map. */
#ifdef CONFIG_MCUBOOT_IMG_MANAGER

#include <zephyr/kernel.h>
#include <zephyr/dfu/mcuboot.h>
#include <zephyr/storage/flash_map.h>

int boot_erase_img_bank(uint8_t area_id)
{
	const struct flash_area *fa;
	int rc = flash_area_open(area_id, &fa);

	if (rc != 0) {
		return rc;
	}
	rc = flash_area_erase(fa, 0, fa->fa_size);
	flash_area_close(fa);
	return rc;
}

#endif /* CONFIG_MCUBOOT_IMG_MANAGER */
