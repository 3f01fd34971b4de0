/* Zephyr's kernel-internal timeouts as linkable functions: tests declare z_add_timeout
 * themselves (extern) as well as reaching it through timeout_q.h.  The kernel keeps the
 * timeout; these only ask it. */
#include <zephyr/kernel.h>
#include "../zephyr/kernel/include/timeout_q.h" /* the kernel-internal header */

void z_add_timeout(struct _timeout *to, _timeout_func_t fn, k_timeout_t timeout)
{
	/* As Zephyr's: a timeout that never ends is not armed at all, before anything
	 * touches the kernel (so any thread may make this call). */
	if (K_TIMEOUT_EQ(timeout, K_FOREVER)) {
		return;
	}
	z_levante_add_timeout(to, fn, timeout);
}

int z_abort_timeout(struct _timeout *to)
{
	return z_levante_abort_timeout(to);
}
