/* Explicit queries from code (docs/policy.md, "Events"): a thread asks the policy about
 * an action of its own ("may this request open the door?") and acts on the answer, as
 * with KasperskyOS's security interface. The policy judges the event `query NAME` with
 * the fields passed here and the caller's `thread` and `domain`, which the kernel fills
 * in; rules, Flow transitions, limits and the audit treat it as any other event.
 *
 * A user thread may call it. The call itself is also a system call the policy judges
 * (`syscall levante_policy_query`): under `default deny` grant it to the domains that ask. */
#ifndef LEVANTE_POLICY_H_
#define LEVANTE_POLICY_H_

#include <stddef.h>
#include <stdint.h>
#include <zephyr/kernel.h>

/* A query's name: dotted identifiers ("door.open"), at most this many bytes. */
#define LEVANTE_POLICY_QUERY_NAME_MAX 47
/* At most this many fields per query. */
#define LEVANTE_POLICY_QUERY_FIELDS_MAX 16
/* A field's name: an identifier of at most this many bytes, not "thread" or "domain". */
#define LEVANTE_POLICY_FIELD_NAME_MAX 31
/* A string value's bytes (UTF-8), without its NUL. */
#define LEVANTE_POLICY_STRING_MAX 255

/* One field of a query: an integer when `string` is NULL, else the string. */
struct levante_policy_field {
	const char *name;
	const char *string;
	int64_t integer;
};

#define LEVANTE_POLICY_INT(field_name, value) \
	{ .name = (field_name), .string = NULL, .integer = (int64_t)(value) }
#define LEVANTE_POLICY_STR(field_name, value) \
	{ .name = (field_name), .string = (value), .integer = 0 }

/* The system call (its stub comes with <levante/syscall.h>):
 *   int levante_policy_query(const char *name,
 *                            const struct levante_policy_field *fields, size_t count);
 * Returns 0 when the policy grants the query (or the image runs with no policy: every
 * call is allowed then), the deciding rule's negative errno when it refuses (-EPERM
 * unless the rule says otherwise), and -EINVAL for a malformed query: a NULL or
 * malformed name, more than LEVANTE_POLICY_QUERY_FIELDS_MAX fields, a NULL `fields`
 * with a count, a field name that is NULL, not an identifier, too long, repeated,
 * "thread" or "domain", or a string value too long or not UTF-8. A pointer into memory
 * the caller cannot read faults the caller (K_ERR_KERNEL_OOPS), as in every call. */

#endif /* LEVANTE_POLICY_H_ */
