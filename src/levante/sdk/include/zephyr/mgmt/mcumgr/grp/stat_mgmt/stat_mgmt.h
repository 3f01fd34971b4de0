/* <zephyr/mgmt/mcumgr/grp/stat_mgmt/stat_mgmt.h>: the SMP statistics group's command
 * numbers and result codes. The group itself is served by the kernel's SMP server
 * (CONFIG_MCUMGR_GRP_STAT); an application only registers its groups (stats.h). */
#ifndef ZEPHYR_MGMT_MCUMGR_GRP_STAT_MGMT_H
#define ZEPHYR_MGMT_MCUMGR_GRP_STAT_MGMT_H

#define STAT_MGMT_ID_SHOW 0
#define STAT_MGMT_ID_LIST 1

enum stat_mgmt_err_code_t {
	STAT_MGMT_ERR_OK = 0,
	STAT_MGMT_ERR_UNKNOWN,
	STAT_MGMT_ERR_INVALID_GROUP,
	STAT_MGMT_ERR_INVALID_STAT_NAME,
	STAT_MGMT_ERR_INVALID_STAT_SIZE,
	STAT_MGMT_ERR_WALK_ABORTED,
};

#endif /* ZEPHYR_MGMT_MCUMGR_GRP_STAT_MGMT_H */
