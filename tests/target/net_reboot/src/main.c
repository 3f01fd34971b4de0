/* Counts its boots in .noinit RAM and prints "BOOT <n>"; the first boot idles 1.5 s
 * (the network stack answers what arrives meanwhile) and reboots warm, the second idles
 * 1.5 s and prints DONE. */
#include <zephyr/kernel.h>
#include <zephyr/sys/reboot.h>

#define RECORD_MAGIC 0x4c564e52u

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
	printk("BOOT %u\n", (unsigned int)boot_record.boots);
	k_msleep(1500);
	if (boot_record.boots == 1) {
		sys_reboot(SYS_REBOOT_WARM);
	}
	printk("DONE\n");
	return 0;
}
