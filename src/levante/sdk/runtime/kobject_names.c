/* The names of kernel object types (Zephyr's otype_to_str), from the ABI's table. */
#include <zephyr/kernel.h>

static const char *const object_type_names[] = LV_K_OBJ_NAMES;

const char *otype_to_str(enum k_objects otype)
{
	if ((unsigned int)otype >= ARRAY_SIZE(object_type_names)) {
		return "?";
	}
	return object_type_names[otype];
}
