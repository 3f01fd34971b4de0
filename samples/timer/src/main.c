/*
 * A periodic kernel timer.  Its expiry function runs in interrupt context each
 * period: it notes the uptime, checks that it really is in an ISR and wakes main
 * through a semaphore (one of the few things an ISR may do).  main reports each
 * expiry, stops the timer after a fixed number of them, and shows that the stop
 * function runs only for a timer that was actually running.
 */
#include <zephyr/kernel.h>

#define PERIOD_MS 100
#define EXPIRIES_WANTED 10

static void on_expiry(struct k_timer *timer);
static void on_stop(struct k_timer *timer);

K_TIMER_DEFINE(beat, on_expiry, on_stop);
K_SEM_DEFINE(beat_seen, 0, EXPIRIES_WANTED);

/* Written by the expiry function, read by main once the semaphore says so. */
static volatile int64_t expiry_uptime_ms[EXPIRIES_WANTED];
static volatile unsigned int expiries;
static volatile unsigned int expiries_in_isr;
static volatile unsigned int stops;

static void on_expiry(struct k_timer *timer)
{
	ARG_UNUSED(timer);

	if (k_is_in_isr()) {
		expiries_in_isr++;
	}
	if (expiries < EXPIRIES_WANTED) {
		expiry_uptime_ms[expiries] = k_uptime_get();
	}
	expiries++;
	k_sem_give(&beat_seen);
}

/* Runs in the context of whoever calls k_timer_stop() (here: main). */
static void on_stop(struct k_timer *timer)
{
	ARG_UNUSED(timer);
	stops++;
	printk("timer stopped (in isr: %s)\n", k_is_in_isr() ? "yes" : "no");
}

int main(void)
{
	printk("starting a %d ms periodic timer on %s\n", PERIOD_MS, CONFIG_BOARD);
	k_timer_start(&beat, K_MSEC(PERIOD_MS), K_MSEC(PERIOD_MS));

	for (int seen = 0; seen < EXPIRIES_WANTED; seen++) {
		k_sem_take(&beat_seen, K_FOREVER);
		printk("expiry %d at %lld ms\n", seen + 1, expiry_uptime_ms[seen]);
	}

	/* Nobody read the status yet, so it counts every expiry since the start. */
	uint32_t status = k_timer_status_get(&beat);

	k_timer_stop(&beat);
	/* A second stop finds the timer idle: the stop function must not run again. */
	k_timer_stop(&beat);

	printk("status %u, expiries %u (%u in isr), stop function ran %u time(s)\n", status,
	       expiries, expiries_in_isr, stops);
	printk("uptime at the end: %lld ms\n", k_uptime_get());
	return 0;
}
