/* The benchmark's application-defined system call. */
#ifndef BENCH_CALLS_H
#define BENCH_CALLS_H

#include <zephyr/kernel.h>

__syscall int bench_bump(int amount);

#include <zephyr/syscalls/bench_calls.h>

#endif
