/*
 * Dining philosophers on kernel mutexes.
 *
 * Six philosophers sit around a table with one fork between each pair of
 * neighbours; a philosopher needs both the fork on the left and the fork on the
 * right to eat.  Every philosopher is a thread and every fork a k_mutex.  The
 * threads run at different priorities: the first two are cooperative (negative
 * priorities), the others preemptible, so the kernel's priority handling and the
 * mutexes' priority inheritance are both at work.
 *
 * Deadlock (everyone holding a left fork, waiting for a right one) is avoided the
 * classic way: every philosopher picks up the lower-numbered of the two forks
 * first.  For all but the last philosopher that is the left fork; the last one,
 * whose right fork is fork 0, reaches for the right fork first.
 *
 * Eating and thinking times come from a small pseudo-random generator seeded per
 * philosopher, so they vary but every run is identical.
 */
#include <zephyr/kernel.h>

#define PHILOSOPHERS 6
#define STACK_BYTES 1024

/* Philosophers 0 and 1 are cooperative, 2..5 preemptible. */
#define PRIORITY_OF(id) ((id) - 2)

#define EAT_MIN_MS 10
#define EAT_SPREAD_MS 40
#define THINK_MIN_MS 5
#define THINK_SPREAD_MS 60

static struct k_mutex forks[PHILOSOPHERS];

static struct k_thread philosopher_threads[PHILOSOPHERS];
K_THREAD_STACK_ARRAY_DEFINE(philosopher_stacks, PHILOSOPHERS, STACK_BYTES);

/* One full line per console write: a switch to another philosopher in the middle
 * of formatting must not splice two lines together. */
static void say(const char *fmt, ...)
{
	char line[80];
	va_list ap;

	va_start(ap, fmt);
	int length = vsnprintk(line, sizeof(line), fmt, ap);

	va_end(ap);
	k_str_out(line, MIN((size_t)length, sizeof(line) - 1));
}

/* A 32-bit xorshift generator: deterministic, different for each seed. */
static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static int32_t pick_ms(uint32_t *state, int32_t minimum, int32_t spread)
{
	return minimum + (int32_t)(next_random(state) % (uint32_t)spread);
}

static void philosopher(void *id_arg, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);

	int id = (int)(intptr_t)id_arg;
	int left = id;
	int right = (id + 1) % PHILOSOPHERS;
	struct k_mutex *first = &forks[MIN(left, right)];
	struct k_mutex *second = &forks[MAX(left, right)];
	uint32_t seed = 0x9E3779B9u * (uint32_t)(id + 1);
	unsigned int meals = 0;

	for (;;) {
		k_mutex_lock(first, K_FOREVER);
		k_mutex_lock(second, K_FOREVER);

		meals++;
		say("Philosopher %d EATING meal %u at %lld ms\n", id, meals, k_uptime_get());
		k_msleep(pick_ms(&seed, EAT_MIN_MS, EAT_SPREAD_MS));
		say("Philosopher %d DONE EATING at %lld ms\n", id, k_uptime_get());

		k_mutex_unlock(second);
		k_mutex_unlock(first);

		k_msleep(pick_ms(&seed, THINK_MIN_MS, THINK_SPREAD_MS));
	}
}

int main(void)
{
	char name[16];

	for (int i = 0; i < PHILOSOPHERS; i++) {
		k_mutex_init(&forks[i]);
	}

	printk("%d philosophers, %d forks on %s\n", PHILOSOPHERS, PHILOSOPHERS, CONFIG_BOARD);

	/* Create the threads stopped, name them, then let them all start together. */
	for (int i = 0; i < PHILOSOPHERS; i++) {
		k_tid_t tid = k_thread_create(&philosopher_threads[i], philosopher_stacks[i],
					      K_THREAD_STACK_SIZEOF(philosopher_stacks[i]),
					      philosopher, (void *)(intptr_t)i, NULL, NULL,
					      PRIORITY_OF(i), 0, K_FOREVER);

		snprintk(name, sizeof(name), "philosopher_%d", i);
		k_thread_name_set(tid, name);
	}
	for (int i = 0; i < PHILOSOPHERS; i++) {
		k_thread_start(&philosopher_threads[i]);
	}
	return 0;
}
