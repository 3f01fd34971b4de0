/* The names of the output sections Levante's linker script (levante.ld.in) places code
 * and data in, as Zephyr's linker/sections.h names them for C code that attributes
 * something to one. */
#ifndef ZEPHYR_INCLUDE_LINKER_SECTIONS_H_
#define ZEPHYR_INCLUDE_LINKER_SECTIONS_H_

#define _TEXT_SECTION_NAME text
#define _RODATA_SECTION_NAME rodata
#define _DATA_SECTION_NAME data
#define _BSS_SECTION_NAME bss
#define _NOINIT_SECTION_NAME noinit

#endif
