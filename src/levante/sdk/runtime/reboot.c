/* sys_reboot (CONFIG_REBOOT): the kernel ends this boot at once and the board starts
 * again; the calling thread never runs another instruction of this boot. */
#include <zephyr/kernel.h>
#include <zephyr/sys/reboot.h>

#ifdef CONFIG_REBOOT
FUNC_NORETURN void sys_reboot(int type)
{
	z_levante_reboot(type);
	/* Only a refused call comes back, and a refusal faults the caller first: the loop
	 * keeps the compiler's noreturn promise all the same. */
	for (;;) {
	}
}
#endif
