/* MCUboot's public API for the running application (Zephyr's dfu/mcuboot.h). */
#ifndef ZEPHYR_DFU_MCUBOOT_H
#define ZEPHYR_DFU_MCUBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <zephyr/types.h>
#include <zephyr/kernel.h>

/* What the next boot will do (MCUboot's values). */
#define BOOT_SWAP_TYPE_NONE 1   /* boot the primary slot as it is */
#define BOOT_SWAP_TYPE_TEST 2   /* swap in the secondary slot; revert unless confirmed */
#define BOOT_SWAP_TYPE_PERM 3   /* swap in the secondary slot for good */
#define BOOT_SWAP_TYPE_REVERT 4 /* swap back: the running test image was not confirmed */
#define BOOT_SWAP_TYPE_FAIL 5   /* the candidate is not a valid image */

/* boot_request_upgrade()'s argument. */
#define BOOT_UPGRADE_TEST 0
#define BOOT_UPGRADE_PERMANENT 1

/* System calls (generated/levante/syscalls.h), served by the boot stage; a user thread
 * needs a grant on the flash controller, as for the flash calls:
 *
 *   int boot_write_img_confirmed(void);  confirm the running image (0 if it already is)
 *   bool boot_is_img_confirmed(void);
 *   int boot_request_upgrade(int permanent);  -EINVAL if the secondary slot holds no image
 *   int mcuboot_swap_type(void);             a BOOT_SWAP_TYPE_* value, or a negative errno
 */

/* Erase a whole flash area (the secondary slot, before an update is written to it). */
int boot_erase_img_bank(uint8_t area_id);

#endif
