/* Stream flash (Zephyr's storage/stream_flash.h): buffered sequential writes into a
 * range of flash, in whole write blocks, erasing pages ahead with
 * CONFIG_STREAM_FLASH_ERASE. */
#ifndef ZEPHYR_STORAGE_STREAM_FLASH_H
#define ZEPHYR_STORAGE_STREAM_FLASH_H

#include <sys/types.h>
#include <zephyr/types.h>
#include <zephyr/device.h>

/* Called after each buffer is written, with the bytes read back from flash. */
typedef int (*stream_flash_callback_t)(uint8_t *buf, size_t len, size_t offset);

struct stream_flash_ctx {
	uint8_t *buf;
	size_t buf_len;
	size_t buf_bytes;
	const struct device *fdev;
	size_t bytes_written;
	size_t offset;
	size_t available;
	stream_flash_callback_t callback;
#ifdef CONFIG_STREAM_FLASH_ERASE
	off_t last_erased_page_start_offset;
#endif
};

/* 0, or -EFAULT: a NULL argument, a buffer that is not whole write blocks or larger
 * than a page, a range outside the device or not aligned to a write block.  size 0
 * means up to the end of the device. */
int stream_flash_init(struct stream_flash_ctx *ctx, const struct device *fdev, uint8_t *buf,
		      size_t buf_len, size_t offset, size_t size, stream_flash_callback_t cb);
/* Whole buffers are written as they fill; flush writes what remains, padded with the
 * erased value to a write block.  -ENOMEM when the range would overflow. */
int stream_flash_buffered_write(struct stream_flash_ctx *ctx, const uint8_t *data, size_t len,
				bool flush);
size_t stream_flash_bytes_written(struct stream_flash_ctx *ctx);
#ifdef CONFIG_STREAM_FLASH_ERASE
/* Erase the page holding device offset off, unless it is the page erased last;
 * -ERANGE outside the stream's range. */
int stream_flash_erase_page(struct stream_flash_ctx *ctx, off_t off);
#endif

#endif
