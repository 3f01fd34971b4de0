/* Firmware images written to flash (Zephyr's subsys/dfu/img_util): a stream into a
 * flash area, by default the upload slot (slot1_partition).  With
 * CONFIG_IMG_ERASE_PROGRESSIVELY the stream erases pages as it reaches them, and the
 * final flush erases the slot's MCUboot trailer, so that no request or status left by
 * an earlier image survives under the new one. */
#ifdef CONFIG_MCUBOOT_IMG_MANAGER

#include <zephyr/kernel.h>
#include <zephyr/dfu/flash_img.h>

#define UPLOAD_AREA_ID FIXED_PARTITION_ID(slot1_partition)

BUILD_ASSERT(CONFIG_IMG_BLOCK_BUF_SIZE % LV_FLASH_WRITE_BLOCK_SIZE == 0,
	     "CONFIG_IMG_BLOCK_BUF_SIZE is not a multiple of the flash write block size");

uint8_t flash_img_get_upload_slot(void)
{
	return UPLOAD_AREA_ID;
}

int flash_img_init_id(struct flash_img_context *ctx, uint8_t area_id)
{
	int rc = flash_area_open(area_id, &ctx->flash_area);

	if (rc != 0) {
		return rc;
	}
	rc = stream_flash_init(&ctx->stream, flash_area_get_device(ctx->flash_area), ctx->buf,
			       sizeof(ctx->buf), (size_t)ctx->flash_area->fa_off,
			       ctx->flash_area->fa_size, NULL);
	if (rc != 0) {
		flash_area_close(ctx->flash_area);
		ctx->flash_area = NULL;
	}
	return rc;
}

int flash_img_init(struct flash_img_context *ctx)
{
	return flash_img_init_id(ctx, UPLOAD_AREA_ID);
}

size_t flash_img_bytes_written(struct flash_img_context *ctx)
{
	return stream_flash_bytes_written(&ctx->stream);
}

#ifdef CONFIG_IMG_ERASE_PROGRESSIVELY
/* Where the MCUboot trailer of an image slot starts, from the start of the slot (the
 * build generates the table from the boot stage's layout); -1 for other areas. */
static off_t trailer_offset(uint8_t area_id)
{
#define LV_IMAGE_TRAILER(id, offset)                                                      \
	if (area_id == (id)) {                                                            \
		return (offset);                                                          \
	}
	LV_IMAGE_TRAILERS
#undef LV_IMAGE_TRAILER
	return -1;
}

/* Erase every page from the trailer's start to the end of the slot. */
static int erase_trailer(struct flash_img_context *ctx)
{
	const struct flash_area *fa = ctx->flash_area;
	off_t trailer = trailer_offset(fa->fa_id);

	if (trailer < 0) {
		return 0;
	}
	for (off_t off = fa->fa_off + trailer; off < fa->fa_off + (off_t)fa->fa_size;) {
		struct flash_pages_info page;
		int rc = flash_get_page_info_by_offs(fa->fa_dev, off, &page);

		if (rc == 0) {
			rc = stream_flash_erase_page(&ctx->stream, off);
		}
		if (rc != 0) {
			return rc;
		}
		off = page.start_offset + (off_t)page.size;
	}
	return 0;
}
#endif /* CONFIG_IMG_ERASE_PROGRESSIVELY */

int flash_img_buffered_write(struct flash_img_context *ctx, const uint8_t *data, size_t len,
			     bool flush)
{
	if (ctx->flash_area == NULL) {
		return -EFAULT; /* not initialised, or already flushed and closed */
	}
	int rc = stream_flash_buffered_write(&ctx->stream, data, len, flush);

	if (!flush || rc != 0) {
		return rc;
	}
#ifdef CONFIG_IMG_ERASE_PROGRESSIVELY
	rc = erase_trailer(ctx);
#endif
	flash_area_close(ctx->flash_area);
	ctx->flash_area = NULL;
	return rc;
}

#endif /* CONFIG_MCUBOOT_IMG_MANAGER */
