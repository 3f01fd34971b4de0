/* The kernel side of the test's system calls: implementations and verifications. */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/internal/syscall_handler.h>
#include "counter_calls.h"

static int counter; /* kernel memory: no user thread may touch it */
static char stored_name[16];

int z_impl_counter_add(int amount)
{
	counter += amount;
	return counter;
}

static inline int z_vrfy_counter_add(int amount)
{
	K_OOPS(K_SYSCALL_VERIFY(amount >= 0 && amount < 1000));
	return z_impl_counter_add(amount);
}
#include <zephyr/syscalls/counter_add_mrsh.c>

int z_impl_name_store(const char *name)
{
	strncpy(stored_name, name, sizeof(stored_name) - 1);
	return (int)strlen(stored_name);
}

static inline int z_vrfy_name_store(const char *name)
{
	char copy[sizeof(stored_name)];
	int ret = k_usermode_string_copy(copy, name, sizeof(copy));

	if (ret != 0) {
		return ret;
	}
	return z_impl_name_store(copy);
}
#include <zephyr/syscalls/name_store_mrsh.c>

int z_impl_name_fetch(char *buffer, size_t size)
{
	strncpy(buffer, stored_name, size);
	return 0;
}

static inline int z_vrfy_name_fetch(char *buffer, size_t size)
{
	size_t len = strlen(stored_name) + 1;

	K_OOPS(K_SYSCALL_MEMORY_WRITE(buffer, size));
	return k_usermode_to_copy(buffer, stored_name, MIN(len, size));
}
#include <zephyr/syscalls/name_fetch_mrsh.c>

int z_impl_sem_poke(struct k_sem *sem)
{
	k_sem_give(sem);
	return 0;
}

static inline int z_vrfy_sem_poke(struct k_sem *sem)
{
	K_OOPS(K_SYSCALL_OBJ(sem, K_OBJ_SEM));
	return z_impl_sem_poke(sem);
}
#include <zephyr/syscalls/sem_poke_mrsh.c>

uint64_t z_impl_mix(uint32_t a, uint64_t b, uint8_t c, uint32_t d, uint64_t e, uint16_t f,
		    uint32_t g)
{
	return a + b * 3 + c * 5 + d * 7 + e * 11 + f * 13 + (uint64_t)g * 17;
}

static inline uint64_t z_vrfy_mix(uint32_t a, uint64_t b, uint8_t c, uint32_t d, uint64_t e,
				  uint16_t f, uint32_t g)
{
	return z_impl_mix(a, b, c, d, e, f, g);
}
#include <zephyr/syscalls/mix_mrsh.c>

bool z_impl_handler_context(void)
{
	return !k_is_user_context() && !k_is_in_isr();
}

static inline bool z_vrfy_handler_context(void)
{
	return z_impl_handler_context();
}
#include <zephyr/syscalls/handler_context_mrsh.c>

void z_impl_never_handled(void)
{
	k_panic();
}
