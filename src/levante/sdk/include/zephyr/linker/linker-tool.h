/* The words of Zephyr's linker-script macros for Levante's script (sdk/linker/levante.ld.in):
 * its memory regions are FLASH and RAM.  For the linker-script text an application adds with
 * zephyr_linker_sources(), which levante build runs through the C preprocessor. */
#ifndef ZEPHYR_INCLUDE_LINKER_LINKER_TOOL_H_
#define ZEPHYR_INCLUDE_LINKER_LINKER_TOOL_H_

#define ROMABLE_REGION FLASH
#define RAMABLE_REGION RAM

/* An output section placed in one region, or run from the first and loaded from the second. */
#define GROUP_LINK_IN(where) > where
#define GROUP_ROM_LINK_IN(vregion, lregion) > vregion
#define GROUP_DATA_LINK_IN(vregion, lregion) > vregion AT > lregion
#define GROUP_NOLOAD_LINK_IN(where, load) > where

/* The head of an output section: its name, options (NOLOAD, ...) and alignment. */
#define SECTION_PROLOGUE(name, options, align) name options : align
#define SECTION_DATA_PROLOGUE(name, options, align) name options : align

#endif
