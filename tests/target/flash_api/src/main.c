/* The flash and image API from C: the partitions the build generated, flash_img writing
 * into the secondary slot and reading it back, the driver's refusals (misaligned,
 * protected partitions, 0 -> 1), the MCUboot calls, and user threads with and without
 * a grant on the flash controller.  Prints one "NAME value" line per check. */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/drivers/flash.h>
#include <zephyr/storage/flash_map.h>
#include <zephyr/dfu/flash_img.h>
#include <zephyr/dfu/mcuboot.h>

#define SLOT0_ID FIXED_PARTITION_ID(slot0_partition)
#define SLOT1_ID FIXED_PARTITION_ID(slot1_partition)
#define IMAGE_MAGIC 0x96f3b83du
#define TLV_INFO_MAGIC 0x6907u
#define PATTERN_LENGTH 3000 /* not a multiple of the buffer: the flush pads */

static const struct device *const flash_dev = DEVICE_DT_GET(DT_CHOSEN(zephyr_flash_controller));
static struct flash_img_context img;
static uint8_t chunk[256];
static uint8_t kernel_buffer[16]; /* kernel memory: no user thread may pass it */

K_THREAD_STACK_DEFINE(user_stack, 2048);
static struct k_thread user_thread;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("HANDLER %u\n", reason);
}

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 7u + 3u);
}

/* Stream PATTERN_LENGTH pattern bytes into slot 1 in uneven pieces. */
static void write_pattern(void)
{
	int rc = flash_img_init(&img);
	size_t done = 0;

	while (rc == 0 && done < PATTERN_LENGTH) {
		size_t piece = MIN((size_t)97, PATTERN_LENGTH - done);

		for (size_t i = 0; i < piece; i++) {
			chunk[i] = pattern(done + i);
		}
		done += piece;
		rc = flash_img_buffered_write(&img, chunk, piece, done == PATTERN_LENGTH);
	}
	printk("IMG_WRITE %d\n", rc);
	printk("IMG_BYTES %u\n", (unsigned int)flash_img_bytes_written(&img));
}

/* Read slot 1 back and compare; the padding after the data reads as erased flash. */
static void check_pattern(const struct flash_area *slot1)
{
	int mismatches = 0;

	for (size_t off = 0; off < PATTERN_LENGTH; off += sizeof(chunk)) {
		size_t piece = MIN(sizeof(chunk), PATTERN_LENGTH - off);

		if (flash_area_read(slot1, (off_t)off, chunk, piece) != 0) {
			mismatches++;
			continue;
		}
		for (size_t i = 0; i < piece; i++) {
			mismatches += chunk[i] != pattern(off + i);
		}
	}
	uint32_t pad = 0;

	(void)flash_area_read(slot1, PATTERN_LENGTH, &pad, sizeof(pad));
	printk("IMG_MISMATCHES %d\n", mismatches);
	printk("IMG_PADDING %08x\n", pad);
}

/* The running image's length in slot 0: header, body and TLVs (MCUboot's format). */
static size_t running_image_length(const struct flash_area *slot0)
{
	uint32_t header[4];
	uint16_t info[2];

	if (flash_area_read(slot0, 0, header, sizeof(header)) != 0 || header[0] != IMAGE_MAGIC) {
		return 0;
	}
	size_t header_size = header[2] & 0xffffu;
	size_t protected_tlvs = header[2] >> 16;
	size_t tlvs = header_size + header[3] + protected_tlvs;

	if (flash_area_read(slot0, (off_t)tlvs, info, sizeof(info)) != 0 ||
	    info[0] != TLV_INFO_MAGIC) {
		return 0;
	}
	return tlvs + info[1];
}

/* What an update agent does: stream an image into slot 1 (here, the running one). */
static int copy_running_image(const struct flash_area *slot0)
{
	size_t length = running_image_length(slot0);
	int rc = length ? flash_img_init(&img) : -ENOENT;

	for (size_t off = 0; rc == 0 && off < length; off += sizeof(chunk)) {
		size_t piece = MIN(sizeof(chunk), length - off);

		rc = flash_area_read(slot0, (off_t)off, chunk, piece);
		if (rc == 0) {
			rc = flash_img_buffered_write(&img, chunk, piece, off + piece == length);
		}
	}
	printk("COPY_LENGTH_OK %d\n", length > 0 && flash_img_bytes_written(&img) == length);
	return rc;
}

static void errors(const struct flash_area *slot1)
{
	static const uint8_t zeros[8];
	static const uint8_t ones[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	off_t scratch = FIXED_PARTITION_OFFSET(slot1_partition) + 0x2000;

	printk("MISALIGNED_WRITE %d\n", flash_area_write(slot1, 2, zeros, 4));
	printk("MISALIGNED_LENGTH %d\n", flash_area_write(slot1, 0x2000, zeros, 3));
	printk("MISALIGNED_ERASE %d\n", flash_erase(flash_dev, scratch + 4, 4096));
	printk("AREA_BOUNDS %d\n", flash_area_read(slot1, (off_t)slot1->fa_size - 2, chunk, 4));
	printk("DEVICE_BOUNDS %d\n", flash_read(flash_dev, LV_FLASH_SIZE - 2, chunk, 4));
	printk("WRITE_SLOT0 %d\n", flash_write(flash_dev, FIXED_PARTITION_OFFSET(slot0_partition),
					       zeros, 4));
	printk("ERASE_BOOT %d\n", flash_erase(flash_dev, 0, 4096));
	printk("ERASE_SLOT0_BANK %d\n", boot_erase_img_bank(SLOT0_ID));
	printk("CLEAR_BITS %d\n", flash_write(flash_dev, scratch, zeros, sizeof(zeros)));
	printk("SET_BITS %d\n", flash_write(flash_dev, scratch, ones, sizeof(ones)));
	printk("ERASE_SCRATCH %d\n", flash_erase(flash_dev, scratch, 4096));
	printk("SET_AFTER_ERASE %d\n", flash_write(flash_dev, scratch, ones, sizeof(ones)));
}

static void user_entry(void *p1, void *p2, void *p3)
{
	const struct flash_area *slot1;
	uint8_t mine[16]; /* on the thread's own stack */

	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("USER_OPEN %d\n", flash_area_open(SLOT1_ID, &slot1));
	printk("USER_READ %d %d\n", flash_area_read(slot1, 0, mine, sizeof(mine)),
	       mine[5] == pattern(5));
	printk("USER_WRITE_SLOT0 %d\n",
	       flash_write(flash_dev, FIXED_PARTITION_OFFSET(slot0_partition), mine, 4));
	printk("USER_KERNEL_BUFFER\n");
	(void)flash_read(flash_dev, 0, kernel_buffer, sizeof(kernel_buffer));
	printk("USER_NOT_REACHED\n");
}

static void run_user(const char *name, bool granted)
{
	k_thread_create(&user_thread, user_stack, K_THREAD_STACK_SIZEOF(user_stack), user_entry,
			NULL, NULL, NULL, K_PRIO_PREEMPT(5), K_USER, K_FOREVER);
	k_thread_name_set(&user_thread, name);
	if (granted) {
		k_object_access_grant(flash_dev, &user_thread);
	}
	k_thread_start(&user_thread);
	(void)k_thread_join(&user_thread, K_FOREVER);
}

int main(void)
{
	const struct flash_area *slot0, *slot1, *none;

	printk("PARTITION boot_partition %d %d %#x %#x\n", FIXED_PARTITION_EXISTS(boot_partition),
	       FIXED_PARTITION_ID(boot_partition), FIXED_PARTITION_OFFSET(boot_partition),
	       FIXED_PARTITION_SIZE(boot_partition));
	printk("PARTITION slot0_partition %d %d %#x %#x\n",
	       FIXED_PARTITION_EXISTS(slot0_partition), SLOT0_ID,
	       FIXED_PARTITION_OFFSET(slot0_partition), FIXED_PARTITION_SIZE(slot0_partition));
	printk("PARTITION slot1_partition %d %d %#x %#x\n",
	       FIXED_PARTITION_EXISTS(slot1_partition), SLOT1_ID,
	       FIXED_PARTITION_OFFSET(slot1_partition), FIXED_PARTITION_SIZE(slot1_partition));
	printk("STORAGE_EXISTS %d\n", FIXED_PARTITION_EXISTS(storage_partition));
	printk("OPEN %d %d %d\n", flash_area_open(SLOT0_ID, &slot0),
	       flash_area_open(SLOT1_ID, &slot1), flash_area_open(7, &none));
	printk("AREA %d %#lx %#x %d\n", slot1->fa_id, (unsigned long)slot1->fa_off,
	       (unsigned int)slot1->fa_size, slot1->fa_dev == flash_dev);
	printk("GEOMETRY %u %u %u\n", flash_area_align(slot1),
	       (unsigned int)flash_get_page_count(flash_dev), flash_img_get_upload_slot());

	printk("SWAP_TYPE %d\n", mcuboot_swap_type());
	printk("CONFIRM %d\n", boot_write_img_confirmed());
	printk("CONFIRMED %d\n", boot_is_img_confirmed());

	write_pattern();
	check_pattern(slot1);
	printk("WRITE_AFTER_FLUSH %d\n", flash_img_buffered_write(&img, chunk, 4, true));
	errors(slot1);
	printk("REQUEST_GARBAGE %d\n", boot_request_upgrade(BOOT_UPGRADE_TEST));
	printk("SWAP_TYPE %d\n", mcuboot_swap_type());

	run_user("granted", true);
	run_user("ungranted", false);

	printk("COPY %d\n", copy_running_image(slot0));
	printk("REQUEST %d\n", boot_request_upgrade(BOOT_UPGRADE_TEST));
	printk("SWAP_TYPE %d\n", mcuboot_swap_type());
	printk("DONE\n");
	return 0;
}
