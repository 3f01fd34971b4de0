/* The SMP server is a kernel service: the application says which image runs and keeps
 * a statistics group the server's statistics group shows (`smpmgr statistics list`).
 * The server answers on UDP port 1337. */
#include <zephyr/kernel.h>
#include <zephyr/stats/stats.h>

/* Seconds since boot, and how many of them were odd: two counters of one group. */
STATS_SECT_START(smp_svr_stats)
STATS_SECT_ENTRY(ticks)
STATS_SECT_ENTRY(odd_ticks)
STATS_SECT_END;

STATS_NAME_START(smp_svr_stats)
STATS_NAME(smp_svr_stats, ticks)
STATS_NAME(smp_svr_stats, odd_ticks)
STATS_NAME_END(smp_svr_stats);

STATS_SECT_DECL(smp_svr_stats) smp_svr_stats;

int main(void)
{
	int rc = STATS_INIT_AND_REG(smp_svr_stats, STATS_SIZE_32, "smp_svr_stats");

	printk("smp_svr: running version %s (statistics: %d)\n",
	       CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION, rc);
	while (1) {
		k_sleep(K_SECONDS(1));
		STATS_INC(smp_svr_stats, ticks);
		if (smp_svr_stats.ticks % 2 != 0) {
			STATS_INC(smp_svr_stats, odd_ticks);
		}
	}
	return 0;
}
