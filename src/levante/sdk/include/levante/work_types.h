/* Work queues' types (Zephyr's k_work API); kernel.h includes this before the system
 * calls, and levante/work.h, with the calls built on them, after. */
#ifndef LEVANTE_WORK_TYPES_H_
#define LEVANTE_WORK_TYPES_H_

struct k_work;
struct k_work_q;
typedef void (*k_work_handler_t)(struct k_work *work);

/* The kernel keeps a busy item's state and mirrors `queue` and `flags` here; `node` is
 * never used (the kernel keeps its lists). */
struct k_work {
	void *node;
	k_work_handler_t handler;
	struct k_work_q *queue;
	uint32_t flags;
};

struct k_work_delayable {
	struct k_work work;
	struct k_work_q *queue; /* the queue its delay submits it to */
	uint32_t _kernel_reserved;
};

/* A queue: its flags (mirrored by the kernel), then its thread, a k_thread of its own. */
struct k_work_q {
	uint32_t flags;
	uint32_t _kernel_reserved;
	struct k_thread thread;
};

/* Triggered work (CONFIG_POLL): the kernel keeps its events and timeout, and mirrors
 * `workq` (the queue that owns it from its submission until its handler starts) and
 * `poll_result` (0: an event was ready, -EAGAIN: the timeout ended first). */
struct k_work_poll {
	struct k_work work;
	struct k_work_q *workq;
	int poll_result;
};

/* What *_sync calls need in Zephyr; the kernel keeps those waits itself. */
struct k_work_sync {
	uint32_t _kernel_reserved;
};

struct k_work_queue_config {
	const char *name;
	bool no_yield;
	bool essential;
};

enum {
	K_WORK_RUNNING_BIT = 0,
	K_WORK_CANCELING_BIT = 1,
	K_WORK_QUEUED_BIT = 2,
	K_WORK_DELAYED_BIT = 3,
	K_WORK_FLUSHING_BIT = 4,
	K_WORK_MASK = BIT(K_WORK_DELAYED_BIT) | BIT(K_WORK_QUEUED_BIT) | BIT(K_WORK_RUNNING_BIT)
		      | BIT(K_WORK_CANCELING_BIT) | BIT(K_WORK_FLUSHING_BIT),
	K_WORK_DELAYABLE_BIT = 8,
	K_WORK_DELAYABLE = BIT(K_WORK_DELAYABLE_BIT),
	K_WORK_QUEUE_STARTED_BIT = 0,
	K_WORK_QUEUE_STARTED = BIT(K_WORK_QUEUE_STARTED_BIT),
	K_WORK_QUEUE_BUSY_BIT = 1,
	K_WORK_QUEUE_BUSY = BIT(K_WORK_QUEUE_BUSY_BIT),
	K_WORK_QUEUE_DRAIN_BIT = 2,
	K_WORK_QUEUE_DRAIN = BIT(K_WORK_QUEUE_DRAIN_BIT),
	K_WORK_QUEUE_PLUGGED_BIT = 3,
	K_WORK_QUEUE_PLUGGED = BIT(K_WORK_QUEUE_PLUGGED_BIT),
	K_WORK_QUEUE_NO_YIELD_BIT = 8,
	K_WORK_QUEUE_NO_YIELD = BIT(K_WORK_QUEUE_NO_YIELD_BIT),
	K_WORK_RUNNING = BIT(K_WORK_RUNNING_BIT),
	K_WORK_CANCELING = BIT(K_WORK_CANCELING_BIT),
	K_WORK_QUEUED = BIT(K_WORK_QUEUED_BIT),
	K_WORK_DELAYED = BIT(K_WORK_DELAYED_BIT),
	K_WORK_FLUSHING = BIT(K_WORK_FLUSHING_BIT),
};

#define Z_WORK_INITIALIZER(work_handler) { .handler = (work_handler) }
#define K_WORK_DEFINE(work, work_handler) struct k_work work = Z_WORK_INITIALIZER(work_handler)
#define Z_WORK_DELAYABLE_INITIALIZER(work_handler) \
	{ .work = { .handler = (work_handler), .flags = K_WORK_DELAYABLE } }
#define K_WORK_DELAYABLE_DEFINE(work, work_handler) \
	struct k_work_delayable work = Z_WORK_DELAYABLE_INITIALIZER(work_handler)

#endif
