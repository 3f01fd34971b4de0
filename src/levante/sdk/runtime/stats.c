/* CONFIG_STATS: <zephyr/stats/stats.h>. The kernel keeps the registry the SMP
 * statistics group reads (z_levante_stats_register); the list here, linked through
 * s_next, serves the walks and look-ups an application makes itself. */
#include <zephyr/kernel.h>
#include <zephyr/stats/stats.h>
#include <string.h>

#ifdef CONFIG_STATS
static struct stats_hdr *stats_list_head;

/* The counters follow the header in the group's structure. */
static uint8_t *counters_of(struct stats_hdr *hdr)
{
	return (uint8_t *)hdr + sizeof(*hdr);
}

void stats_init(struct stats_hdr *shdr, uint8_t size, uint16_t cnt,
		const struct stats_name_map *map, uint16_t map_cnt)
{
	shdr->s_size = size;
	shdr->s_cnt = cnt;
#ifdef CONFIG_STATS_NAMES
	shdr->s_map = map;
	shdr->s_map_cnt = map_cnt;
#else
	ARG_UNUSED(map);
	ARG_UNUSED(map_cnt);
#endif
	stats_reset(shdr);
}

void stats_reset(struct stats_hdr *shdr)
{
	(void)memset(counters_of(shdr), 0, (size_t)shdr->s_size * shdr->s_cnt);
}

int stats_register(const char *name, struct stats_hdr *shdr)
{
#ifdef CONFIG_STATS_NAMES
	int rc = z_levante_stats_register(name, shdr, sizeof(*shdr), shdr->s_map,
					  (size_t)shdr->s_map_cnt);
#else
	int rc = z_levante_stats_register(name, shdr, sizeof(*shdr), NULL, 0);
#endif
	if (rc != 0) {
		return rc;
	}
	unsigned int key = irq_lock();

	shdr->s_name = name;
	shdr->s_next = NULL;
	/* Appended: the walks list the groups in the order they were registered, as the
	 * kernel's registry does. */
	struct stats_hdr **link = &stats_list_head;

	while (*link != NULL) {
		link = &(*link)->s_next;
	}
	*link = shdr;
	irq_unlock(key);
	return 0;
}

int stats_init_and_reg(struct stats_hdr *hdr, uint8_t size, uint16_t cnt,
		       const struct stats_name_map *map, uint16_t map_cnt, const char *name)
{
	stats_init(hdr, size, cnt, map, map_cnt);
	return stats_register(name, hdr);
}

/* The name of the counter at `offset` from the group's map, or NULL. */
static const char *stats_name_of(const struct stats_hdr *hdr, uint16_t offset)
{
#ifdef CONFIG_STATS_NAMES
	for (int i = 0; i < hdr->s_map_cnt; i++) {
		if (hdr->s_map[i].snm_off == offset) {
			return hdr->s_map[i].snm_name;
		}
	}
#else
	ARG_UNUSED(hdr);
	ARG_UNUSED(offset);
#endif
	return NULL;
}

int stats_walk(struct stats_hdr *hdr, stats_walk_fn *walk_cb, void *arg)
{
	/* "s" and up to five digits: a 16-bit index. */
	char generated[8];

	for (uint16_t i = 0; i < hdr->s_cnt; i++) {
		uint16_t offset = (uint16_t)(sizeof(*hdr) + (size_t)i * hdr->s_size);
		const char *name = stats_name_of(hdr, offset);

		if (name == NULL) {
			(void)snprintk(generated, sizeof(generated), "s%u", (unsigned int)i);
			name = generated;
		}
		int rc = walk_cb(hdr, arg, name, offset);

		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

struct stats_hdr *stats_group_get_next(const struct stats_hdr *cur)
{
	return cur == NULL ? stats_list_head : cur->s_next;
}

int stats_group_walk(stats_group_walk_fn *walk_cb, void *arg)
{
	for (struct stats_hdr *hdr = stats_list_head; hdr != NULL; hdr = hdr->s_next) {
		int rc = walk_cb(hdr, arg);

		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

struct stats_hdr *stats_group_find(const char *name)
{
	for (struct stats_hdr *hdr = stats_list_head; hdr != NULL; hdr = hdr->s_next) {
		if (strcmp(hdr->s_name, name) == 0) {
			return hdr;
		}
	}
	return NULL;
}
#endif /* CONFIG_STATS */
