/* Statistics groups for the SMP statistics tests: "app" (32-bit, named counters that
 * count), "wide" (64-bit, one counter left unnamed), "narrow" (16-bit); and the
 * registrations the kernel must refuse, whose results are printed. */
#include <zephyr/kernel.h>
#include <zephyr/stats/stats.h>
#include <stdlib.h>
#include <string.h>
#ifdef CONFIG_SHELL
#include <zephyr/shell/shell.h>
#endif

STATS_SECT_START(app)
STATS_SECT_ENTRY(ticks)
STATS_SECT_ENTRY(events)
STATS_SECT_END;

STATS_NAME_START(app)
STATS_NAME(app, ticks)
STATS_NAME(app, events)
STATS_NAME_END(app);

STATS_SECT_DECL(app) app;

STATS_SECT_START(wide)
STATS_SECT_ENTRY64(big)
STATS_SECT_ENTRY64(unnamed)
STATS_SECT_END;

STATS_NAME_START(wide)
STATS_NAME(wide, big)
STATS_NAME_END(wide);

STATS_SECT_DECL(wide) wide;

STATS_SECT_START(narrow)
STATS_SECT_ENTRY16(small)
STATS_SECT_ENTRY16(other)
STATS_SECT_END;

STATS_NAME_START(narrow)
STATS_NAME(narrow, small)
STATS_NAME(narrow, other)
STATS_NAME_END(narrow);

STATS_SECT_DECL(narrow) narrow;

/* A map naming a counter past the group's end. */
static const struct stats_name_map bad_map[] = {
	{ sizeof(struct stats_hdr) + 4 * sizeof(uint32_t), "beyond" },
};

/* A group shaped as "app", registered under `name`. */
static STATS_SECT_DECL(app) spare;
#define SPARE_AS(name) stats_init_and_reg(&spare.s_hdr, STATS_SIZE_32, 2, stats_map_app, 2, name)

#ifdef CONFIG_SHELL
/* `bump N`: add N to the "app" group's events; its result is N, or -EINVAL. */
static int bump(const struct shell *sh, size_t argc, char **argv)
{
	int by = atoi(argv[1]);

	if (by <= 0) {
		shell_error(sh, "bump: %s is not a positive number", argv[1]);
		return -EINVAL;
	}
	STATS_INCN(app, events, by);
	shell_print(sh, "events now %u", (unsigned int)app.events);
	return by;
}

SHELL_CMD_ARG_REGISTER(bump, NULL, "add N to the app group's events", bump, 2, 0);
#endif

static int count_groups(struct stats_hdr *hdr, void *arg)
{
	ARG_UNUSED(hdr);
	(*(int *)arg)++;
	return 0;
}

int main(void)
{
	int rc_app = STATS_INIT_AND_REG(app, STATS_SIZE_32, "app");
	int rc_wide = STATS_INIT_AND_REG(wide, STATS_SIZE_64, "wide");
	int rc_narrow = STATS_INIT_AND_REG(narrow, STATS_SIZE_16, "narrow");

	printk("stats: app %d wide %d narrow %d\n", rc_app, rc_wide, rc_narrow);

	/* Refused: a name taken, a name too long, an empty one, a counter size stats.h
	 * has not, a name map beyond the group. */
	printk("stats: duplicate %d\n", SPARE_AS("app"));
	printk("stats: long name %d\n", SPARE_AS("a_statistics_group_name_of_forty_octets"));
	printk("stats: empty name %d\n", SPARE_AS(""));
	printk("stats: size 3 %d\n",
	       stats_init_and_reg(&spare.s_hdr, 3, 2, NULL, 0, "spare"));
	printk("stats: bad map %d\n",
	       stats_init_and_reg(&spare.s_hdr, 4, 2, bad_map, 1, "spare"));

	int groups = 0;

	(void)stats_group_walk(count_groups, &groups);
	printk("stats: %d groups, find wide %s\n", groups,
	       stats_group_find("wide") == &wide.s_hdr ? "ok" : "missing");

	STATS_SET(wide, big, 0x100000005ULL);
	STATS_SET(wide, unnamed, 7);
	STATS_SET(narrow, small, 0xFFFF);
	STATS_INCN(narrow, other, 3);
	while (1) {
		k_sleep(K_MSEC(100));
		STATS_INC(app, ticks);
		STATS_INCN(app, events, 2);
	}
	return 0;
}
