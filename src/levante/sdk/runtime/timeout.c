/* z_add_timeout and z_abort_timeout: a kernel timeout as a one-shot k_timer. */
#include <zephyr/kernel.h>
#include <zephyr/sys_clock.h>

static void timeout_expired(struct k_timer *timer)
{
	struct _timeout *to = CONTAINER_OF(timer, struct _timeout, timer);

	to->fn(to);
}

void z_add_timeout(struct _timeout *to, _timeout_func_t fn, k_timeout_t timeout)
{
	if (K_TIMEOUT_EQ(timeout, K_FOREVER)) {
		return; /* never due: nothing to arm, as in Zephyr */
	}
	to->fn = fn;
	k_timer_init(&to->timer, timeout_expired, NULL);
	k_timer_start(&to->timer, timeout, K_NO_WAIT);
}

int z_abort_timeout(struct _timeout *to)
{
	/* A timeout never armed (zero-filled, as Zephyr's callers leave it) has no fn. */
	if (to->fn == NULL || k_timer_remaining_ticks(&to->timer) == 0) {
		return -EINVAL;
	}
	k_timer_stop(&to->timer);
	return 0;
}
