/* malloc's arena for either C library's sbrk (newlib's libc_glue.c, picolibc's
 * picolibc_glue.c): one rule for growing it. */
#ifndef LEVANTE_LIBC_ARENA_H
#define LEVANTE_LIBC_ARENA_H

#include <errno.h>
#include <stddef.h>
#include <zephyr/kernel.h>

/* Grows the arena whose next free byte is *top and whose end is `end` by `increment`
 * bytes: the previous *top, or (void *)-1 with errno ENOMEM.  A user thread may not even
 * read *top (kernel memory, so no user thread can point the next allocation elsewhere):
 * its malloc gets what was freed back, or NULL. */
static inline void *z_libc_arena_grow(char **top, char *end, ptrdiff_t increment)
{
	if (k_is_user_context()) {
		errno = ENOMEM;
		return (void *)-1;
	}
	char *previous = *top;

	if (increment < 0 || end - *top < increment) {
		errno = ENOMEM;
		return (void *)-1;
	}
	*top += increment;
	return previous;
}

#endif
