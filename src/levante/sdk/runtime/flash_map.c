/* The flash map (Zephyr's subsys/storage/flash_map): the board's fixed partitions as
 * flash areas, each operation checked against its area's bounds, then passed to the
 * flash driver's system calls with the area's offset added. */
#ifdef CONFIG_FLASH_MAP

#include <zephyr/kernel.h>
#include <zephyr/storage/flash_map.h>

#define FLASH_DEVICE DEVICE_DT_GET(DT_CHOSEN(zephyr_flash_controller))
#define LV_FLASH_AREA(id, offset, size)                                                   \
	{.fa_id = (id), .fa_off = (offset), .fa_size = (size), .fa_dev = FLASH_DEVICE},

/* In flash: user threads may read the table, nobody may change it. */
static const struct flash_area flash_areas[] = {LV_FLASH_AREAS};

/* [off, off + len) inside the area, computed so that nothing can wrap. */
static bool in_bounds(const struct flash_area *fa, off_t off, size_t len)
{
	return off >= 0 && (size_t)off <= fa->fa_size && len <= fa->fa_size - (size_t)off;
}

int flash_area_open(uint8_t id, const struct flash_area **fa)
{
	for (size_t i = 0; i < ARRAY_SIZE(flash_areas); i++) {
		if (flash_areas[i].fa_id == id) {
			if (flash_area_has_driver(&flash_areas[i]) < 0) {
				return -ENODEV;
			}
			*fa = &flash_areas[i];
			return 0;
		}
	}
	return -ENOENT;
}

void flash_area_close(const struct flash_area *fa)
{
	/* Nothing is held open: the areas are constant. */
	(void)fa;
}

int flash_area_read(const struct flash_area *fa, off_t off, void *dst, size_t len)
{
	if (!in_bounds(fa, off, len)) {
		return -EINVAL;
	}
	return flash_read(fa->fa_dev, fa->fa_off + off, dst, len);
}

int flash_area_write(const struct flash_area *fa, off_t off, const void *src, size_t len)
{
	if (!in_bounds(fa, off, len)) {
		return -EINVAL;
	}
	return flash_write(fa->fa_dev, fa->fa_off + off, src, len);
}

int flash_area_erase(const struct flash_area *fa, off_t off, size_t len)
{
	if (!in_bounds(fa, off, len)) {
		return -EINVAL;
	}
	return flash_erase(fa->fa_dev, fa->fa_off + off, len);
}

uint32_t flash_area_align(const struct flash_area *fa)
{
	return flash_get_write_block_size(fa->fa_dev);
}

const struct device *flash_area_get_device(const struct flash_area *fa)
{
	return fa->fa_dev;
}

uint8_t flash_area_erased_val(const struct flash_area *fa)
{
	(void)fa;
	return LV_FLASH_ERASE_VALUE;
}

int flash_area_has_driver(const struct flash_area *fa)
{
	/* The kernel reports a write block size of 0 when the system has no flash. */
	if (!device_is_ready(fa->fa_dev) || flash_get_write_block_size(fa->fa_dev) == 0) {
		return -ENODEV;
	}
	return 1;
}

#ifdef CONFIG_FLASH_PAGE_LAYOUT
int flash_area_get_sectors(int fa_id, uint32_t *count, struct flash_sector *sectors)
{
	const struct flash_area *fa;
	int rc = flash_area_open((uint8_t)fa_id, &fa);

	if (rc < 0) {
		return rc;
	}
	uint32_t filled = 0;
	off_t end = fa->fa_off + (off_t)fa->fa_size;

	for (off_t off = fa->fa_off; off < end;) {
		struct flash_pages_info page;

		rc = flash_get_page_info_by_offs(fa->fa_dev, off, &page);
		if (rc < 0) {
			return rc;
		}
		if (filled == *count) {
			return -ENOMEM;
		}
		sectors[filled].fs_off = page.start_offset - fa->fa_off;
		sectors[filled].fs_size = page.size;
		filled++;
		off = page.start_offset + (off_t)page.size;
	}
	*count = filled;
	return 0;
}
#endif /* CONFIG_FLASH_PAGE_LAYOUT */

#endif /* CONFIG_FLASH_MAP */
