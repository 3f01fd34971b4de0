/* Flash drivers (Zephyr's drivers/flash.h): read, program and erase the board's flash. */
#ifndef ZEPHYR_DRIVERS_FLASH_H
#define ZEPHYR_DRIVERS_FLASH_H

#include <sys/types.h>
#include <zephyr/kernel.h>
#include <zephyr/device.h>


/* One page (erase unit) of the flash: where it starts, its size and its number. */
struct flash_pages_info {
	off_t start_offset;
	size_t size;
	uint32_t index;
};

/* The driver's calls are system calls (generated/levante/syscalls.h), with offsets
 * counted from the start of the flash device:
 *
 *   int flash_read(dev, offset, data, len);
 *   int flash_write(dev, offset, data, len);   offset and len: write-block multiples
 *   int flash_erase(dev, offset, size);         offset and size: whole pages
 *   size_t flash_get_write_block_size(dev);
 *   int flash_get_page_info_by_offs(dev, offset, info);   CONFIG_FLASH_PAGE_LAYOUT
 *   size_t flash_get_page_count(dev);                      CONFIG_FLASH_PAGE_LAYOUT
 *
 * They return 0 or a negative errno: -EINVAL (out of range, misaligned), -EACCES (a
 * partition threads may not write: the boot stage, the running image), -EIO (a bit
 * programmed from 0 back to 1, which NOR flash cannot do), -ENODEV (the system runs
 * without flash).  A user thread needs a grant on the device
 * (k_object_access_grant), and its buffers must be its own, or it oopses. */

/* The value erased flash reads as (NOR). */
#define LV_FLASH_ERASE_VALUE 0xffu

#endif
