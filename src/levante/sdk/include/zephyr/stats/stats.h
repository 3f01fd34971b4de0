/* <zephyr/stats/stats.h>: named groups of counters (CONFIG_STATS).
 *
 * A group is a structure: a struct stats_hdr, then its counters, all of one size (16,
 * 32 or 64 bits). STATS_INC and friends change a counter in place, as in Zephyr.
 * stats_register hands the group to the kernel (z_levante_stats_register), which copies
 * its name and its counters' names and reads the counters when the SMP statistics group
 * (CONFIG_MCUMGR_GRP_STAT) asks for them; the runtime keeps its own list of the groups
 * for stats_group_walk and friends (runtime/stats.c). Without CONFIG_STATS the macros
 * declare no counters and do nothing; without CONFIG_STATS_NAMES the counters are
 * named s0, s1, ... */
#ifndef ZEPHYR_STATS_STATS_H
#define ZEPHYR_STATS_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <zephyr/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One counter's name: its offset from the start of the group's structure. */
struct stats_name_map {
	uint16_t snm_off;
	const char *snm_name;
} __attribute__((packed));

struct stats_hdr {
	const char *s_name;
	uint8_t s_size;		/* octets of each counter */
	uint16_t s_cnt;		/* number of counters */
	uint8_t s_pad1;
#ifdef CONFIG_STATS_NAMES
	const struct stats_name_map *s_map;
	int s_map_cnt;
#endif
	struct stats_hdr *s_next;	/* the runtime's list of registered groups */
};

#define STATS_SECT_DECL(group__) struct stats_##group__
#define STATS_SECT_END }

#define STATS_SIZE_16 (sizeof(uint16_t))
#define STATS_SIZE_32 (sizeof(uint32_t))
#define STATS_SIZE_64 (sizeof(uint64_t))

#ifdef CONFIG_STATS

#define STATS_SECT_START(group__) STATS_SECT_DECL(group__) { struct stats_hdr s_hdr;
#define STATS_SECT_ENTRY(var__) uint32_t var__;
#define STATS_SECT_ENTRY16(var__) uint16_t var__;
#define STATS_SECT_ENTRY32(var__) uint32_t var__;
#define STATS_SECT_ENTRY64(var__) uint64_t var__;

#define STATS_INCN(group__, var__, n__) ((group__).var__ += (n__))
#define STATS_INC(group__, var__) STATS_INCN(group__, var__, 1)
#define STATS_SET(group__, var__, n__) ((group__).var__ = (n__))
#define STATS_CLEAR(group__, var__) ((group__).var__ = 0)

#define STATS_SIZE_INIT_PARMS(group__, size__) \
	(size__), ((sizeof(group__)) - sizeof(struct stats_hdr)) / (size__)

/* Initialise the group `group__` (a variable) with counters of `size__` octets and
 * register it under `name__`. */
#define STATS_INIT_AND_REG(group__, size__, name__)                                       \
	stats_init_and_reg(&(group__).s_hdr, (size__),                                    \
			   (sizeof(group__) - sizeof(struct stats_hdr)) / (size__),       \
			   STATS_NAME_INIT_PARMS(group__), (name__))

/* Fill the header and zero the counters. */
void stats_init(struct stats_hdr *shdr, uint8_t size, uint16_t cnt,
		const struct stats_name_map *map, uint16_t map_cnt);
/* Publish an initialised group: 0, -EALREADY for a name already registered, -EINVAL
 * for a header or names the kernel refuses, -ENOMEM when the registry is full. */
int stats_register(const char *name, struct stats_hdr *shdr);
int stats_init_and_reg(struct stats_hdr *hdr, uint8_t size, uint16_t cnt,
		       const struct stats_name_map *map, uint16_t map_cnt, const char *name);
/* Zero every counter of the group. */
void stats_reset(struct stats_hdr *shdr);

typedef int stats_walk_fn(struct stats_hdr *hdr, void *arg, const char *name, uint16_t off);
/* Call walk_cb for each counter (its name and offset in the group) until one returns
 * non-zero, which is returned. */
int stats_walk(struct stats_hdr *hdr, stats_walk_fn *walk_cb, void *arg);

typedef int stats_group_walk_fn(struct stats_hdr *hdr, void *arg);
/* Call walk_cb for each registered group until one returns non-zero. */
int stats_group_walk(stats_group_walk_fn *walk_cb, void *arg);
/* The registered group after `cur` (the first for NULL), or NULL. */
struct stats_hdr *stats_group_get_next(const struct stats_hdr *cur);
/* The registered group named `name`, or NULL. */
struct stats_hdr *stats_group_find(const char *name);

#else /* !CONFIG_STATS */

#define STATS_SECT_START(group__) STATS_SECT_DECL(group__) {
#define STATS_SECT_ENTRY(var__)
#define STATS_SECT_ENTRY16(var__)
#define STATS_SECT_ENTRY32(var__)
#define STATS_SECT_ENTRY64(var__)
#define STATS_RESET(var__)
#define STATS_SIZE_INIT_PARMS(group__, size__)
#define STATS_INCN(group__, var__, n__)
#define STATS_INC(group__, var__)
#define STATS_SET(group__, var__)
#define STATS_CLEAR(group__, var__)
#define STATS_INIT_AND_REG(group__, size__, name__) (0)

#endif /* CONFIG_STATS */

#ifdef CONFIG_STATS_NAMES
#define STATS_NAME_MAP_NAME(sectname__) stats_map_##sectname__
#define STATS_NAME_START(sectname__)                                                       \
	static const struct stats_name_map STATS_NAME_MAP_NAME(sectname__)[] = {
#define STATS_NAME(sectname__, entry__) {offsetof(STATS_SECT_DECL(sectname__), entry__), #entry__},
#define STATS_NAME_END(sectname__) }
#define STATS_NAME_INIT_PARMS(name__)                                                      \
	&(STATS_NAME_MAP_NAME(name__)[0]),                                                 \
		(sizeof(STATS_NAME_MAP_NAME(name__)) / sizeof(struct stats_name_map))
#else
#define STATS_NAME_START(name__)
#define STATS_NAME(name__, entry__)
#define STATS_NAME_END(name__)
#define STATS_NAME_INIT_PARMS(name__) NULL, 0
#endif /* CONFIG_STATS_NAMES */

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_STATS_STATS_H */
