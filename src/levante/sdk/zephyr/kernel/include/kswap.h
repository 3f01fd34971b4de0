/* Zephyr's kernel-internal context switch header, for tests that include it: a switch
 * point where the scheduler picks again and the stack checks of a switch run. */
#ifndef LEVANTE_KERNEL_INCLUDE_KSWAP_H
#define LEVANTE_KERNEL_INCLUDE_KSWAP_H

#include <zephyr/kernel.h>
#include <ksched.h>

/* Supervisor threads only (the kernel's own scheduling point). */
static inline void z_swap_unlocked(void)
{
	z_levante_reschedule();
}

#endif
