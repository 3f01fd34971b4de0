/* SYS_INIT's boot sequence: the init entries of a level, by priority, on the main thread. */
#include <zephyr/kernel.h>
#include <zephyr/init.h>
#include <zephyr/device.h>

/* The entry of `level` with the lowest priority above `above` (any priority when
 * `first`), or NULL when none is left.  The records are few and in flash, unsorted by
 * priority, so each step scans them all rather than sorting a copy. */
static const struct init_entry *next_priority(int32_t level, bool first, int32_t above)
{
	const struct init_entry *best = NULL;

	STRUCT_SECTION_FOREACH(init_entry, entry) {
		if (entry->level != level || (!first && entry->priority <= above)) {
			continue;
		}
		if (best == NULL || entry->priority < best->priority) {
			best = entry;
		}
	}
	return best;
}

/* A device's entry: its init function (none means nothing to do) and the result in the
 * device's state, where the kernel reads it for device_is_ready(), as Zephyr records it. */
static void init_device(const struct init_entry *entry)
{
	int result = entry->init_fn.dev != NULL ? entry->init_fn.dev(entry->dev) : 0;

	/* Zephyr keeps the error's magnitude in a byte. */
	if (result < 0) {
		result = -result;
	}
	entry->dev->state->init_res = (uint8_t)MIN(result, UINT8_MAX);
	entry->dev->state->initialized = true;
}

/* Set once the pre-kernel levels are over (k_is_pre_kernel). */
bool z_sys_post_kernel;

void z_sys_init_run_level(int32_t level)
{
	if (level >= Z_INIT_ORD_POST_KERNEL) {
		z_sys_post_kernel = true;
	}
	bool first = true;
	int32_t priority = 0;
	const struct init_entry *lowest;

	while ((lowest = next_priority(level, first, priority)) != NULL) {
		priority = lowest->priority;
		first = false;
		/* Equal priorities run in section order: by name. */
		STRUCT_SECTION_FOREACH(init_entry, entry) {
			if (entry->level != level || entry->priority != priority) {
				continue;
			}
			/* As in Zephyr, an init function's error does not stop the boot. */
			if (entry->dev != NULL) {
				init_device(entry);
			} else {
				(void)entry->init_fn.sys();
			}
		}
	}
}
