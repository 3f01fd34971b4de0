/* Random numbers (Zephyr's random/random.h).
 *
 * sys_rand*_get: fast, NOT for security (xoshiro128++ by default).
 * sys_csrand_get: cryptographically secure (a CTR_DRBG seeded from the TRNG by default);
 * returns 0, or a negative errno. Both are system calls. */
#ifndef ZEPHYR_RANDOM_RANDOM_H
#define ZEPHYR_RANDOM_RANDOM_H

#include <zephyr/kernel.h>

static inline uint8_t sys_rand8_get(void)
{
	uint8_t value;

	sys_rand_get(&value, sizeof(value));
	return value;
}

static inline uint16_t sys_rand16_get(void)
{
	uint16_t value;

	sys_rand_get(&value, sizeof(value));
	return value;
}

static inline uint32_t sys_rand32_get(void)
{
	uint32_t value;

	sys_rand_get(&value, sizeof(value));
	return value;
}

static inline uint64_t sys_rand64_get(void)
{
	uint64_t value;

	sys_rand_get(&value, sizeof(value));
	return value;
}

#endif
