/* The few devicetree macros Levante boards need: the chosen nodes by name.  The fixed
 * flash partitions are in <zephyr/storage/flash_map.h> (FIXED_PARTITION_*). */
#ifndef ZEPHYR_DEVICETREE_H
#define ZEPHYR_DEVICETREE_H

/* DT_CHOSEN(zephyr_entropy) names the board's TRNG node. */
#define DT_CHOSEN(prop) DT_CHOSEN_##prop
#define DT_CHOSEN_zephyr_entropy entropy
#define DT_HAS_CHOSEN(prop) IS_ENABLED(DT_CHOSEN_HAS_##prop)
#ifdef CONFIG_ENTROPY_GENERATOR
#define DT_CHOSEN_HAS_zephyr_entropy 1
#endif
/* DT_CHOSEN(zephyr_flash_controller) names the board's flash controller. */
#define DT_CHOSEN_zephyr_flash_controller flash_controller
#ifdef CONFIG_FLASH
#define DT_CHOSEN_HAS_zephyr_flash_controller 1
#endif

#endif
