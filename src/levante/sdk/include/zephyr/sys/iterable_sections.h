/* Zephyr's iterable sections: records of one struct type, defined anywhere in the
 * application, that the program walks as one array.  STRUCT_SECTION_ITERABLE puts a
 * record into the section ._<type>.static.<name>; `levante build` finds every such
 * type in the objects and lays its records out in flash, sorted by name, between
 * _<type>_list_start and _<type>_list_end. */
#ifndef ZEPHYR_SYS_ITERABLE_SECTIONS_H
#define ZEPHYR_SYS_ITERABLE_SECTIONS_H

#include <zephyr/sys/util.h>
#include <zephyr/sys/__assert.h>

#define TYPE_SECTION_START(secname) _CONCAT(_##secname, _list_start)
#define TYPE_SECTION_END(secname) _CONCAT(_##secname, _list_end)

#define STRUCT_SECTION_ITERABLE_ALTERNATE(secname, struct_type, varname)                  \
	struct struct_type varname                                                        \
		__attribute__((__section__("._" #secname ".static." #varname), __used__,   \
			       __aligned__(__alignof__(struct struct_type))))

#define STRUCT_SECTION_ITERABLE(struct_type, varname) \
	STRUCT_SECTION_ITERABLE_ALTERNATE(struct_type, struct_type, varname)

#define STRUCT_SECTION_ITERABLE_NAMED(struct_type, name, varname) \
	STRUCT_SECTION_ITERABLE_ALTERNATE(struct_type, struct_type, varname)

#define STRUCT_SECTION_FOREACH_ALTERNATE(secname, struct_type, iterator)                  \
	extern struct struct_type TYPE_SECTION_START(secname)[];                          \
	extern struct struct_type TYPE_SECTION_END(secname)[];                            \
	for (struct struct_type *iterator = TYPE_SECTION_START(secname);                  \
	     iterator < TYPE_SECTION_END(secname); iterator++)

#define STRUCT_SECTION_FOREACH(struct_type, iterator) \
	STRUCT_SECTION_FOREACH_ALTERNATE(struct_type, struct_type, iterator)

#define STRUCT_SECTION_GET(struct_type, i, dst)                                           \
	do {                                                                              \
		extern struct struct_type TYPE_SECTION_START(struct_type)[];              \
		*(dst) = &TYPE_SECTION_START(struct_type)[i];                             \
	} while (0)

#define STRUCT_SECTION_COUNT(struct_type, dst)                                            \
	do {                                                                              \
		extern struct struct_type TYPE_SECTION_START(struct_type)[];              \
		extern struct struct_type TYPE_SECTION_END(struct_type)[];                \
		*(dst) = ((uintptr_t)TYPE_SECTION_END(struct_type) -                      \
			  (uintptr_t)TYPE_SECTION_START(struct_type)) /                   \
			 sizeof(struct struct_type);                                      \
	} while (0)

#endif
