/* Zephyr's linker-script macros for iterable sections (STRUCT_SECTION_ITERABLE records of
 * one struct type between _<type>_list_start and _<type>_list_end), for the text an
 * application adds with zephyr_linker_sources(); Levante's script lays out the types its
 * build finds the same way (sdk/build.py iterable_sections). */
#ifndef ZEPHYR_INCLUDE_LINKER_ITERABLE_SECTIONS_H_
#define ZEPHYR_INCLUDE_LINKER_ITERABLE_SECTIONS_H_

#include <zephyr/linker/linker-tool.h>

#define Z_LINK_ITERABLE_SUBALIGN CONFIG_LINKER_ITERABLE_SUBALIGN

/* The records of a type sorted by name, between its start and end symbols. */
#define Z_LINK_ITERABLE(struct_type)                                                        \
	_##struct_type##_list_start = .;                                                     \
	KEEP(*(SORT_BY_NAME(._##struct_type.static.*)));                                     \
	_##struct_type##_list_end = .

/* As above, for records named with a number: 1..9 sort before 10..99.  (The space
 * after "??" keeps it from reading as a C trigraph.) */
#define Z_LINK_ITERABLE_NUMERIC(struct_type)                                                \
	_##struct_type##_list_start = .;                                                     \
	KEEP(*(SORT(._##struct_type.static.*_?)));                                           \
	KEEP(*(SORT(._##struct_type.static.*_?? )));                                         \
	_##struct_type##_list_end = .

/* Without KEEP: records nothing refers to may be dropped by --gc-sections. */
#define Z_LINK_ITERABLE_GC_ALLOWED(struct_type)                                             \
	_##struct_type##_list_start = .;                                                     \
	*(SORT_BY_NAME(._##struct_type.static.*));                                           \
	_##struct_type##_list_end = .

#define Z_ITERABLE_SECTION(struct_type, subalign, body, placement)                          \
	SECTION_PROLOGUE(struct_type##_area, , ALIGN(8) SUBALIGN(subalign))                  \
	{                                                                                    \
		body(struct_type);                                                           \
	} placement

/* Records read only at run time: in flash. */
#define ITERABLE_SECTION_ROM(struct_type, subalign)                                         \
	Z_ITERABLE_SECTION(struct_type, subalign, Z_LINK_ITERABLE, GROUP_LINK_IN(ROMABLE_REGION))
#define ITERABLE_SECTION_ROM_NUMERIC(struct_type, subalign)                                 \
	Z_ITERABLE_SECTION(struct_type, subalign, Z_LINK_ITERABLE_NUMERIC,                   \
			   GROUP_LINK_IN(ROMABLE_REGION))
#define ITERABLE_SECTION_ROM_GC_ALLOWED(struct_type, subalign)                              \
	Z_ITERABLE_SECTION(struct_type, subalign, Z_LINK_ITERABLE_GC_ALLOWED,                \
			   GROUP_LINK_IN(ROMABLE_REGION))

/* Records that change at run time: in RAM, their initial values loaded from flash. */
#define ITERABLE_SECTION_RAM(struct_type, subalign)                                         \
	Z_ITERABLE_SECTION(struct_type, subalign, Z_LINK_ITERABLE,                           \
			   GROUP_DATA_LINK_IN(RAMABLE_REGION, ROMABLE_REGION))
#define ITERABLE_SECTION_RAM_NUMERIC(struct_type, subalign)                                 \
	Z_ITERABLE_SECTION(struct_type, subalign, Z_LINK_ITERABLE_NUMERIC,                   \
			   GROUP_DATA_LINK_IN(RAMABLE_REGION, ROMABLE_REGION))
#define ITERABLE_SECTION_RAM_GC_ALLOWED(struct_type, subalign)                              \
	Z_ITERABLE_SECTION(struct_type, subalign, Z_LINK_ITERABLE_GC_ALLOWED,                \
			   GROUP_DATA_LINK_IN(RAMABLE_REGION, ROMABLE_REGION))

#endif
