/* Security domains (docs/domains.md): named sets of threads that the policy judges by,
 * each with its own table of handles (<levante/handle.h>).
 *
 * LEVANTE_DOMAIN_DEFINE(name) defines a domain; the domain manifest (domains.toml next
 * to prj.conf) may declare the same name and list the image's threads that begin in
 * it. A thread begins in its creator's domain; a supervisor thread may place a thread
 * it created with K_FOREVER in another domain before starting it. */
#ifndef LEVANTE_DOMAIN_H_
#define LEVANTE_DOMAIN_H_

#include <stddef.h>
#include <stdint.h>
#include <zephyr/kernel.h>

/* The kernel writes the domain's index at boot; the structure is only a name. */
struct levante_domain {
	uint32_t index;
};

#define LEVANTE_DOMAIN_DEFINE(name)                                                   \
	struct levante_domain _levante_domain_##name __attribute__((used)) = {0}

#define LEVANTE_DOMAIN_DECLARE(name) extern struct levante_domain _levante_domain_##name

/* A pointer to the domain `name` (defined with LEVANTE_DOMAIN_DEFINE). */
#define LEVANTE_DOMAIN(name) (&_levante_domain_##name)

/* The longest domain name with its NUL. */
#define LEVANTE_DOMAIN_NAME_LEN 32

/* levante_domain_add_thread(domain, thread): place `thread`, which has not started
 * yet, in `domain`. Supervisor threads only (a user thread faults); judged by the
 * policy as the system call levante_domain_add_thread. Returns 0, -EINVAL (not a
 * defined domain), -EBUSY (the thread has started) or the policy's errno.
 *
 * levante_domain_name_get(thread, buf, size): the name of `thread`'s domain (NULL:
 * the caller's), NUL-terminated. Returns 0 or -ENOSPC when it does not fit.
 *
 * Both are system calls of the ABI table (generated into <levante/syscall.h>'s
 * stubs): this header adds the structure and macros. */

#endif /* LEVANTE_DOMAIN_H_ */
