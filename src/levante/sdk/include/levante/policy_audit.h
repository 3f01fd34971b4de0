/* The policy's audit buffer for a privileged thread (docs/policy.md, "Audit"): each call
 * takes the oldest records out of the kernel's bounded buffer, so every record is read
 * once. A user thread that calls it faults (a supervisor-only call). */
#ifndef LEVANTE_POLICY_AUDIT_H_
#define LEVANTE_POLICY_AUDIT_H_

#include <stddef.h>
#include <stdint.h>
#include <zephyr/kernel.h>

#define LEVANTE_AUDIT_THREAD_LEN 32
#define LEVANTE_AUDIT_EVENT_LEN 64
/* rule_line of a verdict the policy's default gave. */
#define LEVANTE_AUDIT_DEFAULT_RULE (-1)

struct levante_audit_record {
	int64_t time_us;       /* simulated time of the verdict */
	int32_t rule_line;     /* the deciding rule's line in policy.lvp */
	uint8_t granted;       /* 1: granted, 0: refused */
	uint8_t reserved[3];
	char thread[LEVANTE_AUDIT_THREAD_LEN]; /* who asked (NUL-terminated, cut to fit) */
	char event[LEVANTE_AUDIT_EVENT_LEN];   /* e.g. "syscall k_sem_give", "thread start" */
};

/* Move up to `count` records into `records`; `*dropped` (when not NULL) gets the number
 * the full buffer lost since the last read. Returns the number of records written, or
 * -ENOTSUP when the image runs without a policy. */
static inline int levante_policy_audit_read(struct levante_audit_record *records,
					    size_t count, uint32_t *dropped)
{
	return z_levante_policy_audit_read(records, count, dropped);
}

#endif /* LEVANTE_POLICY_AUDIT_H_ */
