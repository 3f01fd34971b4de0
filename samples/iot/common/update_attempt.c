/* The download samples' shared steps around a download (update_attempt.h). Whether an
 * image may boot (its signature, its version, its security counter) is the boot
 * stage's decision alone: these steps only keep a sample from installing the running
 * version again, or the same refused download twice in one power-on. */
#include <stdio.h>
#include <stdlib.h>
#include <zephyr/kernel.h>
#include <zephyr/dfu/mcuboot.h>
#include <zephyr/sys/byteorder.h>
#include <zephyr/sys/reboot.h>

#include "update_attempt.h"

#define ATTEMPT_MAGIC 0x48545550u
#define IMAGE_MAGIC 0x96f3b83du

/* What a warm reboot keeps: whether this power-on already installed a download. */
static __noinit struct {
	uint32_t magic;
	uint32_t version_hash;
} attempt;

/* A stand-in for "which image made the attempt": a hash of its version string. */
static uint32_t version_hash(void)
{
	uint32_t hash = 2166136261u;

	for (const char *c = CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION; *c != '\0'; c++) {
		hash = (hash ^ (uint8_t)*c) * 16777619u;
	}
	return hash;
}

bool update_attempt_begin(const char *name)
{
	printk("%s: running version %s\n", name, CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION);
	if (!boot_is_img_confirmed()) {
		/* The boot stage swapped this image in for a test: it runs, so keep it. */
		int status = boot_write_img_confirmed();

		printk("%s: confirmed: %d\n", name, status);
		attempt.magic = 0;
		return false;
	}
	if (attempt.magic == ATTEMPT_MAGIC && attempt.version_hash == version_hash()) {
		printk("%s: the boot stage did not take the downloaded image\n", name);
		attempt.magic = 0;
		return false;
	}
	return true;
}

/* The header's magic, then ih_ver at offset 20: major, minor, revision. Which other
 * versions may boot is the boot stage's policy, not this program's. */
bool update_offers_the_running_version(const uint8_t *header)
{
	const char *text = CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION;
	char *next;
	unsigned long major = strtoul(text, &next, 10);
	unsigned long minor = *next == '.' ? strtoul(next + 1, &next, 10) : 0;
	unsigned long revision = *next == '.' ? strtoul(next + 1, &next, 10) : 0;

	return sys_get_le32(header) == IMAGE_MAGIC && header[20] == major &&
	       header[21] == minor && sys_get_le16(&header[22]) == revision;
}

int update_attempt_install(const char *name)
{
	int status = boot_request_upgrade(BOOT_UPGRADE_TEST);

	printk("%s: upgrade requested: %d\n", name, status);
	if (status != 0) {
		return status;
	}
	attempt.magic = ATTEMPT_MAGIC;
	attempt.version_hash = version_hash();
	sys_reboot(SYS_REBOOT_WARM);
	return 0;
}
