/* sys_reboot(type) (CONFIG_REBOOT): restart the board through its boot stage.
 * A warm reboot keeps the RAM of .noinit (__noinit) as a system reset does; a cold one
 * powers the board off and on, and nothing in RAM survives. Supervisor code only: a
 * user thread's call faults, as the privileged accesses of Zephyr's function do. */
#ifndef ZEPHYR_SYS_REBOOT_H
#define ZEPHYR_SYS_REBOOT_H

#include <zephyr/toolchain.h>

#define SYS_REBOOT_WARM 0
#define SYS_REBOOT_COLD 1

FUNC_NORETURN void sys_reboot(int type);

#endif
