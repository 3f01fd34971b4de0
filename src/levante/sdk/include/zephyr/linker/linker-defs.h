/* Where the link put things (Zephyr's linker-defs.h): the bounds Levante's linker script
 * defines.  The memory map itself is the board's: flash from 0, SRAM from 0x20000000. */
#ifndef ZEPHYR_LINKER_LINKER_DEFS_H
#define ZEPHYR_LINKER_LINKER_DEFS_H

/* The application's code, and its constants (.rodata): both in flash. */
extern char __text_region_start[];
extern char __text_region_end[];
extern char __rodata_region_start[];
extern char __rodata_region_end[];

/* The C library's heap (malloc's arena without user mode). */
extern char __heap_start[];
extern char __heap_end[];

#endif
