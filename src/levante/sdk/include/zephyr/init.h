/* SYS_INIT: functions the runtime calls at boot, before main(), by level and priority.
 *
 * The levels run in Zephyr's order, EARLY, PRE_KERNEL_1, PRE_KERNEL_2, POST_KERNEL,
 * APPLICATION, all on the main thread in supervisor mode before main(); within a level,
 * lower priority numbers run first, and equal ones in the order of their names.  A
 * record sits in the init_entry iterable section with its level and priority, and
 * runtime/init.c walks it. */
#ifndef ZEPHYR_INIT_H
#define ZEPHYR_INIT_H

#include <stdint.h>
#include <stddef.h>
#include <zephyr/sys/util.h>
#include <zephyr/sys/iterable_sections.h>

struct device;

union init_function {
	int (*sys)(void);
	int (*dev)(const struct device *dev);
};

struct init_entry {
	union init_function init_fn;
	/* The device this entry initialises (its function gets it), or NULL. */
	const struct device *dev;
	/* Levante's: the entry's level (Z_INIT_ORD_*) and priority within it. */
	int32_t level;
	int32_t priority;
};

#define Z_INIT_ORD_EARLY 0
#define Z_INIT_ORD_PRE_KERNEL_1 1
#define Z_INIT_ORD_PRE_KERNEL_2 2
#define Z_INIT_ORD_POST_KERNEL 3
#define Z_INIT_ORD_APPLICATION 4
#define Z_INIT_ORD_SMP 5

/* A level's ordinal; an unknown level name does not compile. */
#define INIT_LEVEL_ORD(level) _CONCAT(Z_INIT_ORD_, level)

#define Z_INIT_ENTRY_NAME(init_id) _CONCAT(__init_, init_id)

#define SYS_INIT_NAMED(name, init_fn_, level_, prio_)                                      \
	static const STRUCT_SECTION_ITERABLE(init_entry, Z_INIT_ENTRY_NAME(name)) = {       \
		.init_fn = {.sys = (init_fn_)},                                             \
		.dev = NULL,                                                                \
		.level = INIT_LEVEL_ORD(level_),                                            \
		.priority = (prio_),                                                        \
	}

#define SYS_INIT(init_fn_, level_, prio_) SYS_INIT_NAMED(init_fn_, init_fn_, level_, prio_)

/* Run every entry of `level` (a Z_INIT_ORD_* value): what the main thread does at boot. */
void z_sys_init_run_level(int32_t level);

#endif
