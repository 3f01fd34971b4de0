/* Stream flash (Zephyr's subsys/storage/stream): data is gathered in the caller's buffer
 * and written in whole buffers; the last, partial one is padded with the erased value
 * up to a write block.  With CONFIG_STREAM_FLASH_ERASE each page is erased just before
 * the stream first writes into it. */
#ifdef CONFIG_STREAM_FLASH

#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/drivers/flash.h>
#include <zephyr/storage/stream_flash.h>

#ifdef CONFIG_STREAM_FLASH_ERASE
int stream_flash_erase_page(struct stream_flash_ctx *ctx, off_t off)
{
	struct flash_pages_info page;

	if (off < (off_t)ctx->offset || (size_t)(off - (off_t)ctx->offset) >= ctx->available) {
		return -ERANGE;
	}
	int rc = flash_get_page_info_by_offs(ctx->fdev, off, &page);

	if (rc != 0) {
		return rc;
	}
	if (ctx->last_erased_page_start_offset == page.start_offset) {
		return 0;
	}
	rc = flash_erase(ctx->fdev, page.start_offset, page.size);
	if (rc == 0) {
		ctx->last_erased_page_start_offset = page.start_offset;
	}
	return rc;
}
#endif /* CONFIG_STREAM_FLASH_ERASE */

static int flash_sync(struct stream_flash_ctx *ctx)
{
	size_t write_addr = ctx->offset + ctx->bytes_written;

	if (ctx->buf_bytes == 0) {
		return 0;
	}
#ifdef CONFIG_STREAM_FLASH_ERASE
	/* As Zephyr: the page of the buffer's last byte.  A buffer is at most a page, so
	 * when the stream starts on a page boundary (flash_img's slots do) every page is
	 * erased before the first byte is written into it. */
	int erased = stream_flash_erase_page(ctx, (off_t)(write_addr + ctx->buf_bytes - 1));

	if (erased < 0) {
		return erased;
	}
#endif
	size_t block = flash_get_write_block_size(ctx->fdev);
	size_t fill = (block - ctx->buf_bytes % block) % block;

	memset(ctx->buf + ctx->buf_bytes, LV_FLASH_ERASE_VALUE, fill);
	int rc = flash_write(ctx->fdev, (off_t)write_addr, ctx->buf, ctx->buf_bytes + fill);

	if (rc != 0) {
		return rc;
	}
	if (ctx->callback != NULL) {
		/* Inverted first, so that a read that silently fails cannot pass the check. */
		for (size_t i = 0; i < ctx->buf_bytes; i++) {
			ctx->buf[i] = (uint8_t)~ctx->buf[i];
		}
		rc = flash_read(ctx->fdev, (off_t)write_addr, ctx->buf, ctx->buf_bytes);
		if (rc != 0) {
			return rc;
		}
		rc = ctx->callback(ctx->buf, ctx->buf_bytes, write_addr);
		if (rc != 0) {
			return rc;
		}
	}
	ctx->bytes_written += ctx->buf_bytes;
	ctx->buf_bytes = 0;
	return 0;
}

int stream_flash_buffered_write(struct stream_flash_ctx *ctx, const uint8_t *data, size_t len,
				bool flush)
{
	if (ctx == NULL) {
		return -EFAULT;
	}
	size_t used = ctx->bytes_written + ctx->buf_bytes;

	if (len > ctx->available - used) {
		return -ENOMEM;
	}
	size_t processed = 0;

	while (len - processed >= ctx->buf_len - ctx->buf_bytes) {
		size_t room = ctx->buf_len - ctx->buf_bytes;

		memcpy(ctx->buf + ctx->buf_bytes, data + processed, room);
		ctx->buf_bytes = ctx->buf_len;
		int rc = flash_sync(ctx);

		if (rc != 0) {
			return rc;
		}
		processed += room;
	}
	if (processed < len) {
		memcpy(ctx->buf + ctx->buf_bytes, data + processed, len - processed);
		ctx->buf_bytes += len - processed;
	}
	return flush ? flash_sync(ctx) : 0;
}

size_t stream_flash_bytes_written(struct stream_flash_ctx *ctx)
{
	return ctx->bytes_written;
}

int stream_flash_init(struct stream_flash_ctx *ctx, const struct device *fdev, uint8_t *buf,
		      size_t buf_len, size_t offset, size_t size, stream_flash_callback_t cb)
{
	if (ctx == NULL || fdev == NULL || buf == NULL) {
		return -EFAULT;
	}
	size_t block = flash_get_write_block_size(fdev);

	if (block == 0 || buf_len == 0 || buf_len % block != 0 || offset % block != 0) {
		return -EFAULT;
	}
	/* The device's size, page by page; every page must hold a whole buffer. */
	size_t total = 0;
	size_t pages = flash_get_page_count(fdev);
	struct flash_pages_info page;

	for (size_t i = 0; i < pages; i++) {
		if (flash_get_page_info_by_offs(fdev, (off_t)total, &page) != 0 ||
		    buf_len > page.size) {
			return -EFAULT;
		}
		total += page.size;
	}
	if (total == 0 || offset > total || size > total - offset) {
		return -EFAULT;
	}
	ctx->fdev = fdev;
	ctx->buf = buf;
	ctx->buf_len = buf_len;
	ctx->bytes_written = 0;
	ctx->buf_bytes = 0;
	ctx->offset = offset;
	ctx->available = size == 0 ? total - offset : size;
	ctx->callback = cb;
#ifdef CONFIG_STREAM_FLASH_ERASE
	ctx->last_erased_page_start_offset = -1;
#endif
	return 0;
}

#endif /* CONFIG_STREAM_FLASH */
