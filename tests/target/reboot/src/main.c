/* sys_reboot end to end. Each boot prints "BOOT <n from flash> <n from .noinit>",
 * "UPTIME <ms>" and what it does next:
 * - no image in the secondary slot: boot 1 reboots warm (.noinit kept), boot 2 has a
 *   user thread try sys_reboot (it faults, the board runs on) and reboots cold
 *   (.noinit lost), boot 3 prints DONE;
 * - an image in the secondary slot and none swapped in: mark it for a test swap and
 *   reboot cold, so that the boot stage swaps it in; the swapped-in image prints DONE.
 * Boots are counted in flash by clearing one more word of a scratch area per boot (NOR
 * flash only clears bits), past the secondary slot's header. */
#include <zephyr/kernel.h>
#include <zephyr/drivers/flash.h>
#include <zephyr/storage/flash_map.h>
#include <zephyr/dfu/mcuboot.h>
#include <zephyr/sys/reboot.h>

#define IMAGE_MAGIC 0x96f3b83du
#define RECORD_MAGIC 0x4c56424fu
#define COUNTER_WORDS 64u

static const struct device *const flash_dev = DEVICE_DT_GET(DT_CHOSEN(zephyr_flash_controller));

/* What a warm reboot keeps and a cold one loses. */
static __noinit struct {
	uint32_t magic;
	uint32_t boots;
} boot_record;

K_THREAD_STACK_DEFINE(user_stack, 1024);
static struct k_thread user_thread;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("HANDLER %u\n", reason);
}

static off_t counter_offset(void)
{
	return FIXED_PARTITION_OFFSET(slot1_partition) + 0x2000;
}

/* This boot's number in flash: clear the first word still erased. */
static uint32_t count_boot_in_flash(void)
{
	uint32_t word;
	const uint32_t cleared = 0;

	for (uint32_t i = 0; i < COUNTER_WORDS; i++) {
		off_t at = counter_offset() + (off_t)(i * sizeof(word));

		if (flash_read(flash_dev, at, &word, sizeof(word)) != 0) {
			return 0;
		}
		if (word == 0xffffffffu) {
			return flash_write(flash_dev, at, &cleared, sizeof(cleared)) == 0 ? i + 1 : 0;
		}
	}
	return 0;
}

static uint32_t count_boot_in_ram(void)
{
	if (boot_record.magic != RECORD_MAGIC) {
		boot_record.magic = RECORD_MAGIC;
		boot_record.boots = 0;
	}
	return ++boot_record.boots;
}

static bool update_staged(void)
{
	uint32_t magic = 0;

	(void)flash_read(flash_dev, FIXED_PARTITION_OFFSET(slot1_partition), &magic,
			 sizeof(magic));
	return magic == IMAGE_MAGIC;
}

static void user_reboot(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	sys_reboot(SYS_REBOOT_COLD);
}

static void user_thread_tries(void)
{
	k_thread_create(&user_thread, user_stack, K_THREAD_STACK_SIZEOF(user_stack),
			user_reboot, NULL, NULL, NULL, 1, K_USER, K_NO_WAIT);
	k_thread_join(&user_thread, K_FOREVER);
	printk("USER_REBOOT refused\n");
}

int main(void)
{
	printk("VERSION %s\n", CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION);
	printk("UPTIME %u\n", (unsigned int)k_uptime_get_32());
	if (mcuboot_swap_type() == BOOT_SWAP_TYPE_NONE && update_staged()) {
		printk("REQUEST %d\n", boot_request_upgrade(BOOT_UPGRADE_TEST));
		sys_reboot(SYS_REBOOT_COLD);
	}
	if (mcuboot_swap_type() != BOOT_SWAP_TYPE_NONE) {
		printk("SWAP_TYPE %d\n", mcuboot_swap_type());
		printk("DONE\n");
		return 0;
	}
	uint32_t from_flash = count_boot_in_flash();
	uint32_t from_ram = count_boot_in_ram();

	printk("BOOT %u %u\n", (unsigned int)from_flash, (unsigned int)from_ram);
	if (from_flash == 1) {
		sys_reboot(SYS_REBOOT_WARM);
	}
	if (from_flash == 2) {
		user_thread_tries();
		sys_reboot(SYS_REBOOT_COLD);
	}
	printk("DONE\n");
	return 0;
}
