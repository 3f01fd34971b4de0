/* Counts its boots in .noinit RAM and prints "BOOT <n> UPTIME <ms>"; then reboots warm
 * at once, for ever, unless the shell is there to reboot the board on command. */
#include <zephyr/kernel.h>
#include <zephyr/sys/reboot.h>

#define RECORD_MAGIC 0x4c56424fu

static __noinit struct {
	uint32_t magic;
	uint32_t boots;
} boot_record;

int main(void)
{
	if (boot_record.magic != RECORD_MAGIC) {
		boot_record.magic = RECORD_MAGIC;
		boot_record.boots = 0;
	}
	boot_record.boots++;
	printk("BOOT %u UPTIME %u\n", (unsigned int)boot_record.boots,
	       (unsigned int)k_uptime_get_32());
#ifndef CONFIG_SHELL
	k_msleep(1); /* a boot takes time: the run's limit comes after a bounded number */
	sys_reboot(SYS_REBOOT_WARM);
#endif
	return 0;
}
