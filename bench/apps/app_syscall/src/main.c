/* Application-defined system calls from a user thread, over and over: the trap, the
 * handler run privileged on the thread's privileged stack, and the way back. */
#include <zephyr/kernel.h>
#include <zephyr/internal/syscall_handler.h>
#include "bench_calls.h"

#define CALLS 5000

static int total;

int z_impl_bench_bump(int amount)
{
	total += amount;
	return total;
}

static inline int z_vrfy_bench_bump(int amount)
{
	K_OOPS(K_SYSCALL_VERIFY(amount == 1));
	return z_impl_bench_bump(amount);
}
#include <zephyr/syscalls/bench_bump_mrsh.c>

static void caller(void *p1, void *p2, void *p3)
{
	for (int i = 0; i < CALLS; i++) {
		(void)bench_bump(1);
	}
}

K_THREAD_DEFINE(bench_caller, 1024, caller, NULL, NULL, NULL, 1, K_USER, 0);
