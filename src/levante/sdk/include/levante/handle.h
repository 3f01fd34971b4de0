/* Handles with rights (docs/domains.md, "Handles"): opaque values that name a kernel
 * object with a set of rights, kept in the table of the caller's security domain.
 *
 * Rights only shrink: a duplicate (which needs LEVANTE_RIGHT_DUPLICATE) or a
 * replacement keeps or drops rights, never adds one. Revoking a handle invalidates it
 * and every handle derived from it. A user thread without Zephyr's permission on an
 * object may still use it in the kernel's calls when its domain holds a live handle
 * with the call's right (k_sem_give: SIGNAL, k_sem_take: WAIT, k_msgq_put: WRITE,
 * k_msgq_get: READ, ...; the table is in docs/domains.md). */
#ifndef LEVANTE_HANDLE_H_
#define LEVANTE_HANDLE_H_

#include <stdint.h>
#include <zephyr/kernel.h>

typedef uint32_t levante_handle_t;

/* No handle: never a handle's value (bit 0 of every one is set).  An IPC message's
 * handle slot holding it carries no handle (docs/ipc.md, "Handles in messages"). */
#define LEVANTE_HANDLE_NONE 0u

#define LEVANTE_RIGHT_READ      (1u << 0)
#define LEVANTE_RIGHT_WRITE     (1u << 1)
#define LEVANTE_RIGHT_SIGNAL    (1u << 2)
#define LEVANTE_RIGHT_WAIT      (1u << 3)
#define LEVANTE_RIGHT_DUPLICATE (1u << 4)
#define LEVANTE_RIGHT_TRANSFER  (1u << 5)
/* Levante's object-specific right: reset, purge or cancel what others wait on. */
#define LEVANTE_RIGHT_MANAGE    (1u << 6)
#define LEVANTE_RIGHTS_ALL      (0x7fu)
/* duplicate/replace: the same rights as the handle has. */
#define LEVANTE_RIGHT_SAME_RIGHTS (1u << 31)

struct levante_handle_info {
	uint32_t type;   /* the object's enum k_objects type (K_OBJ_ANY: not numbered) */
	uint32_t rights; /* LEVANTE_RIGHT_* */
	uint32_t live;   /* 0 once the object was freed, re-initialised or its thread ended */
};

/* The system calls (their stubs come with <levante/syscall.h>); each returns a
 * negative errno on failure:
 *   levante_handle_create(object, rights): a new handle to an object the caller has
 *     Zephyr's permission on; -EBADF/-EPERM/-EINVAL as k_object_validate, -EINVAL for
 *     unknown rights, -ENOSPC when the domain's table is full.
 *   levante_handle_duplicate(handle, rights): a derived copy; -EBADF (unknown, stale),
 *     -ESRCH (its object is gone), -EPERM (no DUPLICATE right), -EINVAL (a right the
 *     handle lacks), -ENOSPC.
 *   levante_handle_replace(handle, rights): the same handle under a new value with the
 *     same or fewer rights; the old value is stale. -EBADF, -EINVAL.
 *   levante_handle_close(handle): 0 or -EBADF; what was derived from it stays.
 *   levante_handle_revoke(handle): the number of handles invalidated (it and every one
 *     derived from it, in any domain), or -EBADF.
 *   levante_handle_info(handle, info): 0 or -EBADF. */

#endif /* LEVANTE_HANDLE_H_ */
