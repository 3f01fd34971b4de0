/* Firmware images written to flash (Zephyr's dfu/flash_img.h): what an update agent uses
 * to stream an image into the secondary slot. */
#ifndef ZEPHYR_DFU_FLASH_IMG_H
#define ZEPHYR_DFU_FLASH_IMG_H

#include <zephyr/storage/flash_map.h>
#include <zephyr/storage/stream_flash.h>

struct flash_img_context {
	uint8_t buf[CONFIG_IMG_BLOCK_BUF_SIZE];
	const struct flash_area *flash_area;
	struct stream_flash_ctx stream;
};

/* Prepare to write into area_id (flash_img_init: the upload slot, slot1_partition). */
int flash_img_init_id(struct flash_img_context *ctx, uint8_t area_id);
int flash_img_init(struct flash_img_context *ctx);
/* Bytes of the image written to flash so far (not counting what is still buffered). */
size_t flash_img_bytes_written(struct flash_img_context *ctx);
/* Buffer data and write it in CONFIG_IMG_BLOCK_BUF_SIZE blocks; flush writes the rest
 * (padded with the erased value) and closes the area. */
int flash_img_buffered_write(struct flash_img_context *ctx, const uint8_t *data, size_t len,
			     bool flush);
/* The flash area id updates are written to. */
uint8_t flash_img_get_upload_slot(void);

#endif
