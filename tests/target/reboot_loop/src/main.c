/* Counts its boots in .noinit RAM and prints "BOOT <n> UPTIME <ms>"; then reboots warm
 * for ever, unless the shell is there to reboot the board on command. The reboot comes
 * from each place a program may call sys_reboot in turn: main, a timer's expiry
 * function (interrupt context), the fatal error handler after an oops. */
#include <zephyr/kernel.h>
#include <zephyr/sys/reboot.h>

#define RECORD_MAGIC 0x4c56424fu

static __noinit struct {
	uint32_t magic;
	uint32_t boots;
} boot_record;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("HANDLER %u\n", reason);
	sys_reboot(SYS_REBOOT_WARM);
}

static void reboot_from_interrupt(struct k_timer *timer)
{
	ARG_UNUSED(timer);
	sys_reboot(SYS_REBOOT_WARM);
}

K_TIMER_DEFINE(reboot_timer, reboot_from_interrupt, NULL);

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
	switch (boot_record.boots % 3) {
	case 1:
		sys_reboot(SYS_REBOOT_WARM);
	case 2:
		k_timer_start(&reboot_timer, K_MSEC(1), K_NO_WAIT);
		k_sleep(K_FOREVER);
		break;
	default:
		k_oops();
	}
	printk("NOT REACHED\n");
#endif
	return 0;
}
