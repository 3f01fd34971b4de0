/* The test's own system calls. */
#ifndef COUNTER_CALLS_H
#define COUNTER_CALLS_H

#include <zephyr/kernel.h>

/* Adds to a counter only the kernel's side may write; returns the new total. */
__syscall int counter_add(int amount);
/* Copies the user's string into kernel memory and returns its length. */
__syscall int name_store(const char *name);
/* Writes the stored name to a user buffer. */
__syscall int name_fetch(char *buffer, size_t size);
/* Gives a semaphore the caller must have permission on. */
__syscall int sem_poke(struct k_sem *sem);
/* Many and wide arguments, and a 64-bit result. */
__syscall uint64_t mix(uint32_t a, uint64_t b, uint8_t c, uint32_t d, uint64_t e,
		       uint16_t f, uint32_t g);
/* Whether the handler runs privileged, in thread context. */
__syscall bool handler_context(void);
/* Declared, but no handler is compiled. */
__syscall void never_handled(void);

#include <zephyr/syscalls/counter_calls.h>

#endif
