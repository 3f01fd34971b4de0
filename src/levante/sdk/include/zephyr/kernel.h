/* Zephyr's kernel API on Levante: types, macros and the system calls into the Python kernel.
 *
 * Kernel objects are ordinary C structures the application allocates; the kernel keeps
 * their real state and identifies them by address.  The bytes hold only what the
 * K_*_DEFINE macros initialise statically, which the kernel reads at boot.
 */
#ifndef ZEPHYR_KERNEL_H
#define ZEPHYR_KERNEL_H

#include <errno.h>
#include <limits.h>
#include <zephyr/types.h>
#include <zephyr/toolchain.h>
#include <zephyr/sys/util.h>
#include <zephyr/sys/slist.h>
#include <zephyr/sys/dlist.h>
#include <zephyr/sys/time_units.h>
#include <zephyr/sys/mem_stats.h>
#include <zephyr/sys/printk.h>
#include <zephyr/sys/atomic_types.h>
#include <zephyr/sys/__assert.h>
#include <zephyr/fatal.h>
#include <zephyr/arch/cpu.h>
#include <generated/levante/abi.h>
/* Before the generated stubs, which take struct k_mem_domain / k_mem_partition. */
#include <zephyr/app_memory/mem_domain.h>

/* ---- Time ---------------------------------------------------------------------- */

typedef int32_t k_ticks_t;

typedef struct {
	k_ticks_t ticks;
} k_timeout_t;

#define K_TICKS_FOREVER ((k_ticks_t)-1)
#define SYS_FOREVER_MS (-1)
#define SYS_FOREVER_US (-1)

#define Z_TIMEOUT_TICKS(t) ((k_timeout_t){ .ticks = (t) })
#define K_NO_WAIT Z_TIMEOUT_TICKS(0)
#define K_FOREVER Z_TIMEOUT_TICKS(K_TICKS_FOREVER)
#define K_TIMEOUT_EQ(a, b) ((a).ticks == (b).ticks)

/* Conversions round up, so a wait is never shorter than asked for. */
#define Z_UNITS_TO_TICKS_CEIL(n, per_sec)                                                \
	((k_ticks_t)((((int64_t)(n)) * CONFIG_SYS_CLOCK_TICKS_PER_SEC + (per_sec) - 1) / \
		     (per_sec)))

#define K_TICKS(t) Z_TIMEOUT_TICKS(t)
#define Z_TIMEOUT_MS(t) K_MSEC(t)
#define Z_TIMEOUT_US(t) K_USEC(t)
#define Z_TIMEOUT_NS(t) K_NSEC(t)

/* Absolute timeouts: tick t is encoded below K_TICKS_FOREVER, as -2 - t (Zephyr's
 * K_TICK_ABS); the kernel waits until that tick, or the next one once it has passed. */
#define K_TICK_ABS(t) (K_TICKS_FOREVER - 1 - (t))
#define K_TIMEOUT_ABS_TICKS(t) Z_TIMEOUT_TICKS(K_TICK_ABS((k_ticks_t)MAX((t), 0)))
#define K_TIMEOUT_ABS_MS(t) K_TIMEOUT_ABS_TICKS(Z_UNITS_TO_TICKS_CEIL(t, 1000LL))
#define K_TIMEOUT_ABS_US(t) K_TIMEOUT_ABS_TICKS(Z_UNITS_TO_TICKS_CEIL(t, 1000000LL))
#define K_TIMEOUT_ABS_NS(t) K_TIMEOUT_ABS_TICKS(Z_UNITS_TO_TICKS_CEIL(t, 1000000000LL))
#define Z_IS_TIMEOUT_RELATIVE(timeout) ((timeout).ticks >= K_TICKS_FOREVER)
#define K_CYC(t) Z_TIMEOUT_TICKS(Z_UNITS_TO_TICKS_CEIL(MAX((t), 0), \
						     (int64_t)CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC))
#define Z_TIMEOUT_CYC(t) K_CYC(t)
#define K_NSEC(t) Z_TIMEOUT_TICKS(Z_UNITS_TO_TICKS_CEIL(MAX((t), 0), 1000000000LL))
#define K_USEC(t) Z_TIMEOUT_TICKS(Z_UNITS_TO_TICKS_CEIL(MAX((t), 0), 1000000LL))
#define K_MSEC(t) Z_TIMEOUT_TICKS(Z_UNITS_TO_TICKS_CEIL(MAX((t), 0), 1000LL))
#define K_SECONDS(s) K_MSEC((s) * 1000)
#define K_MINUTES(m) K_SECONDS((m) * 60)
#define K_HOURS(h) K_MINUTES((h) * 60)


/* The unit conversions (k_ms_to_ticks_ceil32, k_cyc_to_us_floor32, ...) are in
 * <zephyr/sys/time_units.h>. */

/* ---- Threads ------------------------------------------------------------------- */

/* The kernel writes arch and stack_info when it creates a thread (offsets in
 * levante.abi FIELD_OFFSETS); like the rest of k_thread they are kernel memory. */
struct _thread_arch {
	uintptr_t priv_stack_start; /* a user thread's privileged stack, in z_priv_stacks */
};

struct _thread_stack_info {
	uintptr_t start; /* the part of the stack object the thread may use (above any guard) */
	size_t size;
	size_t delta; /* bytes above the initial stack pointer (CONFIG_STACK_POINTER_RANDOM) */
};

/* What C code may read of the kernel's view of a thread (Zephyr's thread->base): the
 * kernel writes it back whenever the thread's state, options or priority change. */
struct _thread_base {
	uint8_t user_options;
	uint8_t _reserved;
	uint16_t thread_state; /* _THREAD_PENDING, _THREAD_PRESTART, ... (kernel_structs.h) */
	int8_t prio;
	uint8_t sched_locked;
	uint16_t _reserved2;
	void *pended_on;
};

/* base.thread_state bits (Zephyr's kernel_structs.h, which kernel.h includes there). */
#define _THREAD_DUMMY (BIT(0))
#define _THREAD_PENDING (BIT(1))
#define _THREAD_PRESTART (BIT(2))
#define _THREAD_DEAD (BIT(3))
#define _THREAD_SUSPENDED (BIT(4))
#define _THREAD_ABORTING (BIT(5))
#define _THREAD_SUSPENDING (BIT(6))
#define _THREAD_QUEUED (BIT(7))

/* CONFIG_THREAD_USERSPACE_LOCAL_DATA: the area the kernel keeps at the top of every
 * thread's stack.  Zephyr keeps a user thread's errno in it; Levante's errno is the C
 * library's, switched per thread by the kernel, so the area holds no state of the
 * kernel's or the C library's: it starts zeroed, and entering user mode zeroes it. */
struct _thread_userspace_local_data {
	uintptr_t data[2];
};

struct k_thread {
	struct _thread_arch arch;
	struct k_thread *next_thread; /* CONFIG_THREAD_MONITOR: the list k_thread_foreach walks */
	struct _thread_stack_info stack_info;
	struct _thread_base base;
	char name[32]; /* mirrored by the kernel for k_thread_name_get() */
	void *init_data; /* a K_THREAD_DEFINE thread's static record, written at boot */
	struct k_heap *resource_pool; /* mirrored: k_thread_heap_assign's heap, or inherited */
	struct {
		struct k_mem_domain *mem_domain; /* mirrored: the domain it belongs to */
	} mem_domain_info;
	/* Inside the thread's stack with CONFIG_THREAD_USERSPACE_LOCAL_DATA, else NULL. */
	struct _thread_userspace_local_data *userspace_local_data;
};
typedef struct k_thread *k_tid_t;
typedef void (*k_thread_entry_t)(void *p1, void *p2, void *p3);
/* A kernel-internal timeout (timeout_q.h): the kernel keeps its state, the structure
 * names it (its size is Zephyr's, for code that embeds one). */
struct _timeout {
	uintptr_t _reserved[4];
};
typedef void (*_timeout_func_t)(struct _timeout *t);

/* What a thread's own time slice calls when it ends (CONFIG_TIMESLICE_PER_THREAD). */
typedef void (*k_thread_timeslice_fn_t)(struct k_thread *thread, void *data);
/* A function irq_offload() runs in interrupt context (<zephyr/irq_offload.h>). */
typedef void (*irq_offload_routine_t)(const void *parameter);

/* Stacks a thread may run on in user mode are arrays of this type: it is how the kernel
 * recognises them as kernel objects in the image's debug information. */
struct z_thread_stack_element {
	char data;
};
typedef struct z_thread_stack_element k_thread_stack_t;

/* Stacks only supervisor code runs on (the interrupt stack): not kernel objects, so no
 * thread can be granted them. */
struct z_kernel_stack_element {
	char data;
};

/* The smallest power of two >= x (x >= 1), as a constant expression: GCC folds
 * __builtin_clz of a constant, so this also works in array sizes and __aligned(). */
#define Z_POW2_CEIL(x) \
	((x) <= 1UL ? 1UL : (1UL << (32 - __builtin_clz((unsigned int)((x) - 1UL)))))

#define Z_STACK_ALIGN 8 /* the AAPCS stack alignment */

/* A user stack must be one MPU region: on ARMv7-M a power of two of at least one granule
 * aligned to its size, on ARMv8-M a multiple of the granule aligned to it (the granule
 * comes from the MPU model, levante.arch.mpu). */
#define Z_MPU_MIN_REGION LV_MPU_GRANULE
/* The alignment a stack object (or a buffer made a partition) needs at the least: the
 * MPU's granule with user mode, the AAPCS stack alignment without. */
#ifdef CONFIG_USERSPACE
#define Z_THREAD_MIN_STACK_ALIGN Z_MPU_MIN_REGION
#else
#define Z_THREAD_MIN_STACK_ALIGN Z_STACK_ALIGN
#endif
#if defined(CONFIG_USERSPACE) && defined(CONFIG_MPU_REQUIRES_POWER_OF_TWO_ALIGNMENT)
#define Z_THREAD_STACK_SIZE_ADJUST(size) Z_POW2_CEIL(MAX((unsigned long)(size), Z_MPU_MIN_REGION))
#define Z_THREAD_STACK_OBJ_ALIGN(size) Z_THREAD_STACK_SIZE_ADJUST(size)
#elif defined(CONFIG_USERSPACE)
#define Z_THREAD_STACK_SIZE_ADJUST(size) ROUND_UP(MAX((unsigned long)(size), Z_MPU_MIN_REGION), \
						  Z_MPU_MIN_REGION)
#define Z_THREAD_STACK_OBJ_ALIGN(size) Z_MPU_MIN_REGION
#elif defined(CONFIG_MPU_STACK_GUARD)
/* The guard at the bottom of a supervisor stack is an MPU region: granule aligned. */
#define Z_THREAD_STACK_SIZE_ADJUST(size) ROUND_UP(size, Z_MPU_MIN_REGION)
#define Z_THREAD_STACK_OBJ_ALIGN(size) Z_MPU_MIN_REGION
#else
#define Z_THREAD_STACK_SIZE_ADJUST(size) ROUND_UP(size, Z_STACK_ALIGN)
#define Z_THREAD_STACK_OBJ_ALIGN(size) Z_STACK_ALIGN
#endif

#define K_THREAD_STACK_LEN(size) Z_THREAD_STACK_SIZE_ADJUST(size)
#define K_THREAD_STACK_DEFINE(sym, size)                                                  \
	struct z_thread_stack_element __aligned(Z_THREAD_STACK_OBJ_ALIGN(size))             \
		__attribute__((section(".noinit.lv_stacks." #sym))) sym[K_THREAD_STACK_LEN(size)]
#define K_THREAD_STACK_ARRAY_DEFINE(sym, nmemb, size)                                     \
	struct z_thread_stack_element __aligned(Z_THREAD_STACK_OBJ_ALIGN(size))             \
		__attribute__((section(".noinit.lv_stacks." #sym)))                         \
		sym[nmemb][K_THREAD_STACK_LEN(size)]
#define K_THREAD_STACK_EXTERN(sym) extern k_thread_stack_t sym[]
#define K_THREAD_STACK_DECLARE(sym, size)                                                 \
	extern struct z_thread_stack_element sym[K_THREAD_STACK_LEN(size)]
#define K_THREAD_STACK_ARRAY_DECLARE(sym, nmemb, size)                                    \
	extern struct z_thread_stack_element sym[nmemb][K_THREAD_STACK_LEN(size)]
#define K_THREAD_STACK_SIZEOF(sym) (sizeof(sym))

#define K_KERNEL_STACK_LEN(size) ROUND_UP(size, Z_STACK_ALIGN)
#define K_KERNEL_STACK_DEFINE(sym, size)                                                  \
	struct z_kernel_stack_element __aligned(Z_STACK_ALIGN)                              \
		__attribute__((section(".noinit.lv_kstacks." #sym))) sym[K_KERNEL_STACK_LEN(size)]
#define K_KERNEL_STACK_ARRAY_DEFINE(sym, nmemb, size)                                     \
	struct z_kernel_stack_element __aligned(Z_STACK_ALIGN)                              \
		__attribute__((section(".noinit.lv_kstacks." #sym)))                        \
		sym[nmemb][K_KERNEL_STACK_LEN(size)]
#define K_KERNEL_STACK_EXTERN(sym) extern struct z_kernel_stack_element sym[]
#define K_KERNEL_STACK_DECLARE(sym, size)                                                 \
	extern struct z_kernel_stack_element sym[K_KERNEL_STACK_LEN(size)]
#define K_KERNEL_STACK_ARRAY_DECLARE(sym, nmemb, size)                                    \
	extern struct z_kernel_stack_element sym[nmemb][K_KERNEL_STACK_LEN(size)]
#define K_KERNEL_STACK_SIZEOF(sym) (sizeof(sym))

#define K_PRIO_COOP(x) (-(CONFIG_NUM_COOP_PRIORITIES - (x)))
#define K_PRIO_PREEMPT(x) (x)
#define K_HIGHEST_THREAD_PRIO (-CONFIG_NUM_COOP_PRIORITIES)
#define K_LOWEST_THREAD_PRIO CONFIG_NUM_PREEMPT_PRIORITIES
#define K_IDLE_PRIO K_LOWEST_THREAD_PRIO
#define K_HIGHEST_APPLICATION_THREAD_PRIO (K_HIGHEST_THREAD_PRIO)
#define K_LOWEST_APPLICATION_THREAD_PRIO (K_LOWEST_THREAD_PRIO - 1)

/* What K_THREAD_DEFINE records for the kernel to create at boot. */
struct _static_thread_data {
	struct k_thread *init_thread;
	k_thread_stack_t *init_stack;
	unsigned int init_stack_size;
	k_thread_entry_t init_entry;
	void *init_p1;
	void *init_p2;
	void *init_p3;
	int init_prio;
	uint32_t init_options;
	int32_t init_delay_ms;
	const char *init_name;
};

/* The record and the thread object of a K_THREAD_DEFINE or K_KERNEL_THREAD_DEFINE
 * thread whose stack `stack` is already defined.  The priority is checked here, at build
 * time, against the range k_thread_create accepts (the kernel checks it again at boot). */
#define Z_THREAD_DEFINE_RECORD(name, stack, entry, p1, p2, p3, prio, options, delay)      \
	BUILD_ASSERT((prio) >= K_HIGHEST_APPLICATION_THREAD_PRIO &&                          \
		     (prio) <= K_LOWEST_APPLICATION_THREAD_PRIO,                             \
		     "K_THREAD_DEFINE(" #name "): priority " #prio " is outside "          \
		     "K_HIGHEST_APPLICATION_THREAD_PRIO..K_LOWEST_APPLICATION_THREAD_PRIO"); \
	struct k_thread _k_thread_obj_##name;                                               \
	const struct _static_thread_data _k_thread_data_##name                              \
		__attribute__((section("._static_thread_data.static." #name), used)) = {        \
			.init_thread = &_k_thread_obj_##name,                               \
			.init_stack = (k_thread_stack_t *)(stack),                          \
			.init_stack_size = sizeof(stack),                                   \
			.init_entry = (k_thread_entry_t)(entry),                            \
			.init_p1 = (void *)(p1),                                            \
			.init_p2 = (void *)(p2),                                            \
			.init_p3 = (void *)(p3),                                            \
			.init_prio = (prio),                                                \
			.init_options = (options),                                          \
			.init_delay_ms = (delay),                                           \
			.init_name = #name,                                                 \
	};                                                                                  \
	const k_tid_t name = (k_tid_t)&_k_thread_obj_##name

/* The stack comes first, as in Zephyr, so that `static K_THREAD_DEFINE(...)` compiles. */
#define K_THREAD_DEFINE(name, stack_size, entry, p1, p2, p3, prio, options, delay)           \
	K_THREAD_STACK_DEFINE(_k_thread_stack_##name, stack_size);                          \
	Z_THREAD_DEFINE_RECORD(name, _k_thread_stack_##name, entry, p1, p2, p3, prio,      \
			       options, delay)

/* A thread that can never enter user mode: its stack is a kernel stack, which is not a
 * stack object, so k_thread_user_mode_enter from it is a kernel panic (as Zephyr's
 * assertion that the stack is user capable). */
#define K_KERNEL_THREAD_DEFINE(name, stack_size, entry, p1, p2, p3, prio, options, delay)    \
	K_KERNEL_STACK_DEFINE(_k_thread_stack_##name, stack_size);                          \
	BUILD_ASSERT(((options) & K_USER) == 0, "K_KERNEL_THREAD_DEFINE(" #name "): K_USER"); \
	Z_THREAD_DEFINE_RECORD(name, _k_thread_stack_##name, entry, p1, p2, p3, prio,      \
			       options, delay)

/* What K_THREAD_ACCESS_GRANT records: the kernel grants `thread` every object of the
 * NULL-terminated `objects` list at boot, before the thread starts. */
struct k_object_assignment {
	struct k_thread *thread;
	void *const *objects;
};

/* Grant a K_THREAD_DEFINE'd thread access to kernel objects (Zephyr's macro); may be used
 * in another file than the K_THREAD_DEFINE.  Both the record and the list are read-only
 * data in flash. */
#define K_THREAD_ACCESS_GRANT(name_, ...)                                                   \
	extern struct k_thread _k_thread_obj_##name_;                                       \
	static void *const _object_list_##name_[] = { __VA_ARGS__, NULL };                  \
	static const struct k_object_assignment _object_access_##name_                      \
		__attribute__((section("._k_object_assignment.static." #name_), used,        \
			       aligned(4))) = { &_k_thread_obj_##name_, _object_list_##name_ }

/* CONFIG_THREAD_MONITOR: call user_cb for every live thread (newest first); without
 * the monitor it does nothing, as in Zephyr. */
typedef void (*k_thread_user_cb_t)(const struct k_thread *thread, void *user_data);
void k_thread_foreach(k_thread_user_cb_t user_cb, void *user_data);
void k_thread_foreach_unlocked(k_thread_user_cb_t user_cb, void *user_data);
/* Zephyr's words for the state bits the kernel shows in thread->base.thread_state
 * ("pending+suspended"); supervisor code only, as it reads struct k_thread. */
const char *k_thread_state_str(k_tid_t thread_id, char *buf, size_t buf_size);

static inline const char *k_thread_name_get(k_tid_t thread)
{
	return thread->name;
}

/* ---- Kernel objects ------------------------------------------------------------ */

#define Z_STATIC_OBJECT(kind, name) \
	__attribute__((section("._" #kind ".static." #name), used, aligned(4)))

struct k_sem {
	unsigned int count;
	unsigned int limit;
	uint32_t _kernel_reserved[2];
};
#define K_SEM_MAX_LIMIT UINT_MAX
#define Z_SEM_INITIALIZER(obj, initial_count, count_limit) \
	{ .count = (initial_count), .limit = (count_limit) }
/* The check comes last, so that `static K_SEM_DEFINE(...)` makes a static semaphore. */
#define K_SEM_DEFINE(name, initial_count, count_limit)                       \
	struct k_sem name Z_STATIC_OBJECT(k_sem, name) =                         \
		Z_SEM_INITIALIZER(name, initial_count, count_limit);             \
	BUILD_ASSERT(((count_limit) != 0) && ((initial_count) <= (count_limit)))

struct k_mutex {
	uint32_t _kernel_reserved[4];
};
#define K_MUTEX_DEFINE(name) struct k_mutex name Z_STATIC_OBJECT(k_mutex, name) = { { 0 } }

struct k_msgq {
	size_t msg_size;
	uint32_t max_msgs;
	char *buffer_start;
	char *buffer_end;
	char *read_ptr;   /* the kernel keeps the ring and mirrors it here after every change */
	char *write_ptr;
	uint32_t used_msgs;
	uint32_t _kernel_reserved[1];
};
/* What k_msgq_get_attrs reports. */
struct k_msgq_attrs {
	size_t msg_size;
	uint32_t max_msgs;
	uint32_t used_msgs;
};
#define K_MSGQ_DEFINE(q_name, q_msg_size, q_max_msgs, q_align)                          \
	static char __aligned(q_align) _k_fifo_buf_##q_name[(q_max_msgs) * (q_msg_size)]; \
	struct k_msgq q_name Z_STATIC_OBJECT(k_msgq, q_name) = {                           \
		.msg_size = (q_msg_size),                                                  \
		.max_msgs = (q_max_msgs),                                                  \
		.buffer_start = _k_fifo_buf_##q_name,                                      \
		.buffer_end = _k_fifo_buf_##q_name + (q_max_msgs) * (q_msg_size),           \
		.read_ptr = _k_fifo_buf_##q_name,                                          \
		.write_ptr = _k_fifo_buf_##q_name,                                         \
	}

/* A heap: kernel memory a supervisor hands threads as their resource pool
 * (k_thread_heap_assign), from which the kernel allocates on their behalf. */
/* The system heap's size, K_HEAP_MEM_POOL_SIZE, comes from the build (-D), as in Zephyr:
 * CONFIG_HEAP_MEM_POOL_SIZE raised to the sum of the enabled HEAP_MEM_POOL_ADD_SIZE_*
 * shares unless CONFIG_HEAP_MEM_POOL_IGNORE_MIN. */
#ifndef K_HEAP_MEM_POOL_SIZE
#error "K_HEAP_MEM_POOL_SIZE is the build's: compile with levante build"
#endif

struct k_heap {
	void *buffer;
	size_t size;
	uint32_t _kernel_reserved[2];
};
#define K_HEAP_DEFINE(name, bytes)                                       \
	char __aligned(8) kheap_##name[bytes];                            \
	struct k_heap name Z_STATIC_OBJECT(k_heap, name) = {              \
		.buffer = kheap_##name,                                     \
		.size = (bytes),                                            \
	}

/* The system heap (K_HEAP_MEM_POOL_SIZE bytes; NULL from every call when 0). Kernel
 * functions, not system calls: a user thread that calls one oopses, as in Zephyr. */
void *k_aligned_alloc(size_t align, size_t size);
void *k_malloc(size_t size);
void *k_calloc(size_t nmemb, size_t size);
/* k_free(ptr) is a system call: it frees a block of any heap (NULL: nothing). */

/* A wait queue as Zephyr's structures embed it.  The kernel keeps the waiters; the list
 * head shows the first and last of them (or the list itself when nobody waits) for
 * <wait_q.h>'s z_waitq_head.  Threads are not linked to each other through it. */
typedef struct {
	sys_dlist_t waitq;
} _wait_q_t;
#define Z_WAIT_Q_INIT(wait_q) { SYS_DLIST_STATIC_INIT(&(wait_q)->waitq) }

/* Events (CONFIG_EVENTS): the kernel keeps `events` equal to the object's set. */
struct k_event {
	_wait_q_t wait_q;
	uint32_t events;
};
#define Z_EVENT_INITIALIZER(obj) { .wait_q = Z_WAIT_Q_INIT(&(obj).wait_q), .events = 0 }
#define K_EVENT_DEFINE(name) \
	struct k_event name Z_STATIC_OBJECT(k_event, name) = Z_EVENT_INITIALIZER(name)

/* Mailboxes: a sender's message descriptor meets a receiver's, and the data is copied
 * from the sender's buffer into the receiver's.  The kernel keeps the waiting senders and
 * receivers (the structure holds none of them); the descriptors are the callers', and
 * the kernel fills in their fields as Zephyr's mailbox does. */
struct k_mbox_msg {
	size_t size;
	uint32_t info;
	void *tx_data;
	k_tid_t rx_source_thread;
	k_tid_t tx_target_thread;
	k_tid_t _syncing_thread;
	struct k_sem *_async_sem;
};

struct k_mbox {
	uint32_t _kernel_reserved[4];
};
#define K_MBOX_DEFINE(name) struct k_mbox name Z_STATIC_OBJECT(k_mbox, name) = { { 0 } }

/* Any thread, as a mailbox message's source or target. */
#define K_ANY NULL

struct k_timer;
typedef void (*k_timer_expiry_t)(struct k_timer *timer);
typedef void (*k_timer_stop_t)(struct k_timer *timer);
struct k_timer {
	k_timer_expiry_t expiry_fn;
	k_timer_stop_t stop_fn;
	void *user_data; /* Zephyr's member: k_timer_user_data_set/get use it too */
	uint32_t _kernel_reserved[3];
};
#define K_TIMER_DEFINE(name, expiry, stop)                             \
	struct k_timer name Z_STATIC_OBJECT(k_timer, name) = {           \
		.expiry_fn = (expiry),                                   \
		.stop_fn = (stop),                                       \
	}

/* ---- System calls (generated from levante.abi) ------------------------------- */

/* Queues: the kernel keeps the items (their first word stays reserved, as in Zephyr).
 * k_fifo and k_lifo are a k_queue; K_*_DEFINE place them in k_queue's section. */
struct k_queue {
	uint32_t _kernel_reserved[4];
};
#define K_QUEUE_DEFINE(name) struct k_queue name Z_STATIC_OBJECT(k_queue, name) = { { 0 } }

struct k_fifo {
	struct k_queue _queue;
};
struct k_lifo {
	struct k_queue _queue;
};
#define K_FIFO_DEFINE(name) struct k_fifo name Z_STATIC_OBJECT(k_queue, name) = { { { 0 } } }
#define K_LIFO_DEFINE(name) struct k_lifo name Z_STATIC_OBJECT(k_queue, name) = { { { 0 } } }

/* Stacks of word-sized values; the buffer fixes the capacity. */
typedef uintptr_t stack_data_t;
struct k_stack {
	stack_data_t *base;
	stack_data_t *next;
	stack_data_t *top;
	uint32_t _kernel_reserved[3];
};
#define K_STACK_DEFINE(name, stack_num_entries)                                   \
	stack_data_t __noinit _k_stack_buf_##name[stack_num_entries];             \
	struct k_stack name Z_STATIC_OBJECT(k_stack, name) = {                    \
		.base = _k_stack_buf_##name,                                      \
		.next = _k_stack_buf_##name,                                      \
		.top = _k_stack_buf_##name + (stack_num_entries),                 \
	}

/* Condition variables: the kernel keeps the waiters. */
struct k_condvar {
	uint32_t _kernel_reserved[2];
};
#define Z_CONDVAR_INITIALIZER(obj) { { 0 } }
#define K_CONDVAR_DEFINE(name) \
	struct k_condvar name Z_STATIC_OBJECT(k_condvar, name) = Z_CONDVAR_INITIALIZER(name)

/* Memory slabs: the kernel keeps the free list (the blocks hold only their owners' data)
 * and mirrors the counts into `info` after every change, for the inline getters below. */
struct k_mem_slab_info {
	uint32_t num_blocks;
	size_t block_size;
	uint32_t num_used;
	uint32_t max_used; /* kept whatever CONFIG_MEM_SLAB_TRACE_MAX_UTILIZATION says */
};
struct k_mem_slab {
	char *buffer;
	struct k_mem_slab_info info;
	uint32_t _kernel_reserved[1];
};
#define Z_MEM_SLAB_INITIALIZER(_slab, _slab_buffer, _slab_block_size, _slab_num_blocks) \
	{                                                                                   \
		.buffer = (_slab_buffer),                                                   \
		.info = { .num_blocks = (_slab_num_blocks),                                 \
			  .block_size = (_slab_block_size) },                               \
	}
/* As Zephyr: the block size rounded up to whole words, the buffer word aligned at least. */
#define K_MEM_SLAB_DEFINE(name, slab_block_size, slab_num_blocks, slab_align)             \
	char __noinit __aligned(WB_UP(slab_align))                                         \
		_k_mem_slab_buf_##name[(slab_num_blocks) * WB_UP(slab_block_size)];       \
	struct k_mem_slab name Z_STATIC_OBJECT(k_mem_slab, name) = Z_MEM_SLAB_INITIALIZER( \
		name, _k_mem_slab_buf_##name, WB_UP(slab_block_size), slab_num_blocks)
#define K_MEM_SLAB_DEFINE_STATIC(name, slab_block_size, slab_num_blocks, slab_align)      \
	static char __noinit __aligned(WB_UP(slab_align))                                  \
		_k_mem_slab_buf_##name[(slab_num_blocks) * WB_UP(slab_block_size)];       \
	static struct k_mem_slab name Z_STATIC_OBJECT(k_mem_slab, name) =                 \
		Z_MEM_SLAB_INITIALIZER(name, _k_mem_slab_buf_##name,                     \
				       WB_UP(slab_block_size), slab_num_blocks)

/* Pipes: one structure for both APIs (CONFIG_PIPES: Zephyr 3.7's put/get; otherwise
 * 4.1's write/read).  The kernel keeps the ring's state and mirrors Zephyr's fields. */
struct k_pipe {
	unsigned char *buffer; /* the ring: NULL for a bufferless pipe */
	size_t size;
	size_t bytes_used;
	size_t read_index;
	size_t write_index;
	uint8_t flags;
	uint8_t _flags_padding[3];
	uint32_t _kernel_reserved[2];
};
#ifdef CONFIG_PIPES
#define K_PIPE_FLAG_ALLOC BIT(0) /* the ring came from k_pipe_alloc_init */
#define Z_PIPE_INITIAL_FLAGS 0
#else
enum pipe_flags {
	PIPE_FLAG_OPEN = BIT(0),
	PIPE_FLAG_RESET = BIT(1), /* never seen: a reset is over when k_pipe_reset returns */
};
#define Z_PIPE_INITIAL_FLAGS PIPE_FLAG_OPEN
#endif
#define Z_PIPE_INITIALIZER(obj, pipe_buffer, pipe_buffer_size) \
	{ .buffer = (pipe_buffer), .size = (pipe_buffer_size), .flags = Z_PIPE_INITIAL_FLAGS }
#define K_PIPE_DEFINE(name, pipe_buffer_size, pipe_align)                             \
	static unsigned char __noinit __aligned(pipe_align)                           \
		_k_pipe_buf_##name[pipe_buffer_size];                                 \
	struct k_pipe name Z_STATIC_OBJECT(k_pipe, name) =                            \
		Z_PIPE_INITIALIZER(name, _k_pipe_buf_##name, pipe_buffer_size)

/* CONFIG_THREAD_RUNTIME_STATS: the cycles a thread (or, for _all_get, the CPU) ran. */
typedef struct k_thread_runtime_stats {
	uint64_t execution_cycles; /* a thread's cycles; for the CPU, every cycle since boot */
	uint64_t total_cycles;     /* the cycles not idle */
	uint64_t current_cycles;   /* the thread's last run */
	uint64_t peak_cycles;      /* its longest run */
	uint64_t average_cycles;   /* per run */
	uint64_t idle_cycles;      /* the CPU's idle cycles (for _all_get) */
} k_thread_runtime_stats_t;

/* Driver types the system calls name (the drivers' headers define the rest). */
struct device;
struct gpio_callback;
struct uart_config;
typedef void (*uart_irq_callback_user_data_t)(const struct device *dev, void *user_data);
struct sensor_value;
struct sensor_trigger;
typedef void (*sensor_trigger_handler_t)(const struct device *dev,
					 const struct sensor_trigger *trigger);
/* k_poll (CONFIG_POLL): Zephyr's event layout, which the kernel reads and writes back;
 * a poll signal's `signaled` and `result` are its state, read and reset in place. */
struct k_poll_signal {
	uint32_t _kernel_reserved[2];
	unsigned int signaled;
	int result;
};
#define K_POLL_SIGNAL_INITIALIZER(obj) { .signaled = 0, .result = 0 }

#define Z_POLL_TYPE_BIT(type) (1U << ((type) - 1U))
#define Z_POLL_STATE_BIT(state) (1U << ((state) - 1U))
#define Z_POLL_NUM_TYPES 6
#define Z_POLL_NUM_STATES 7
#define K_POLL_TYPE_IGNORE 0
#define K_POLL_TYPE_SIGNAL Z_POLL_TYPE_BIT(1)
#define K_POLL_TYPE_SEM_AVAILABLE Z_POLL_TYPE_BIT(2)
#define K_POLL_TYPE_DATA_AVAILABLE Z_POLL_TYPE_BIT(3)
#define K_POLL_TYPE_FIFO_DATA_AVAILABLE K_POLL_TYPE_DATA_AVAILABLE
#define K_POLL_TYPE_MSGQ_DATA_AVAILABLE Z_POLL_TYPE_BIT(4)
#define K_POLL_TYPE_PIPE_DATA_AVAILABLE Z_POLL_TYPE_BIT(5)
#define K_POLL_STATE_NOT_READY 0
#define K_POLL_STATE_SIGNALED Z_POLL_STATE_BIT(1)
#define K_POLL_STATE_SEM_AVAILABLE Z_POLL_STATE_BIT(2)
#define K_POLL_STATE_DATA_AVAILABLE Z_POLL_STATE_BIT(3)
#define K_POLL_STATE_FIFO_DATA_AVAILABLE K_POLL_STATE_DATA_AVAILABLE
#define K_POLL_STATE_CANCELLED Z_POLL_STATE_BIT(4)
#define K_POLL_STATE_MSGQ_DATA_AVAILABLE Z_POLL_STATE_BIT(5)
#define K_POLL_STATE_PIPE_DATA_AVAILABLE Z_POLL_STATE_BIT(6)
enum k_poll_modes {
	K_POLL_MODE_NOTIFY_ONLY = 0,
	K_POLL_NUM_MODES
};

struct k_poll_event {
	uint32_t _node[2];
	void *poller;
	uint32_t tag:8;
	uint32_t type:Z_POLL_NUM_TYPES;
	uint32_t state:Z_POLL_NUM_STATES;
	uint32_t mode:1;
	uint32_t unused:(32 - 8 - Z_POLL_NUM_TYPES - Z_POLL_NUM_STATES - 1);
	union {
		/* typed_<type> members let the initialisers check the object's type */
		void *obj, *typed_K_POLL_TYPE_IGNORE;
		struct k_poll_signal *signal, *typed_K_POLL_TYPE_SIGNAL;
		struct k_sem *sem, *typed_K_POLL_TYPE_SEM_AVAILABLE;
		struct k_fifo *fifo, *typed_K_POLL_TYPE_FIFO_DATA_AVAILABLE;
		struct k_queue *queue, *typed_K_POLL_TYPE_DATA_AVAILABLE;
		struct k_msgq *msgq, *typed_K_POLL_TYPE_MSGQ_DATA_AVAILABLE;
		struct k_pipe *pipe, *typed_K_POLL_TYPE_PIPE_DATA_AVAILABLE;
	};
};
#define K_POLL_EVENT_INITIALIZER(_event_type, _event_mode, _event_obj) \
	{ .poller = NULL, .type = _event_type, .state = K_POLL_STATE_NOT_READY, \
	  .mode = _event_mode, .unused = 0, { .typed_##_event_type = _event_obj } }
#define K_POLL_EVENT_STATIC_INITIALIZER(_event_type, _event_mode, _event_obj, event_tag) \
	{ .tag = event_tag, .type = _event_type, .state = K_POLL_STATE_NOT_READY, \
	  .mode = _event_mode, .unused = 0, { .typed_##_event_type = _event_obj } }

/* Not a system call: it fills in the caller's own event. */
static inline void k_poll_event_init(struct k_poll_event *event, uint32_t type, int mode,
				     void *obj)
{
	__ASSERT(mode == K_POLL_MODE_NOTIFY_ONLY, "only NOTIFY_ONLY mode is supported");
	__ASSERT(type != K_POLL_TYPE_IGNORE ? obj != NULL : 1, "must provide an object");
	event->poller = NULL;
	event->type = type;
	event->state = K_POLL_STATE_NOT_READY;
	event->mode = mode;
	event->unused = 0U;
	event->obj = obj;
}

/* What k_object_find shows of one kernel object (Zephyr's struct k_object): a snapshot
 * the kernel writes when the object is found or recycled.  perms has one bit per thread
 * slot; writing to the record changes nothing in the kernel. */
struct k_object;
#ifdef CONFIG_USERSPACE
struct k_object {
	void *name; /* the object's address */
	uint8_t perms[CONFIG_MAX_THREAD_BYTES];
	uint8_t type; /* enum k_objects */
	uint8_t flags; /* K_OBJ_FLAG_* */
	uintptr_t data;
};
#define K_OBJ_FLAG_INITIALIZED BIT(0)
#define K_OBJ_FLAG_PUBLIC BIT(1)
#define K_OBJ_FLAG_ALLOC BIT(2)
#define K_OBJ_FLAG_DRIVER BIT(3)
#endif

/* What k_object_validate requires of an object's initialisation (Zephyr's values). */
enum _obj_init_check {
	_OBJ_INIT_TRUE = 0,
	_OBJ_INIT_FALSE = -1,
	_OBJ_INIT_ANY = 1,
};

/* A fast user-space mutex's word (Zephyr's k_futex): it lives in memory its users can
 * write; the kernel keeps the threads waiting on it (k_futex_wait, k_futex_wake). */
struct k_futex {
	atomic_t val;
};

/* <zephyr/sys/mutex.h>'s mutex, which the system calls name. */
struct sys_mutex;

/* The name of a kernel object type ("generic" for K_OBJ_ANY, "?" for an unknown one). */
const char *otype_to_str(enum k_objects otype);

#include <levante/work_types.h>
#include <generated/levante/syscalls.h>
#include <zephyr/sys/atomic.h>
#include <levante/work.h>
#include <zephyr/sys_clock.h>

#ifdef CONFIG_IRQ_OFFLOAD
/* Supervisor threads only.  Offloads run one at a time under `offload_sem`, as in
 * Zephyr: a thread its own routine aborts leaves the semaphore taken (Zephyr's tests
 * give it back). */
void irq_offload(irq_offload_routine_t routine, const void *parameter);
#endif

/* Declared whatever the configuration, as in Zephyr, so that code which tests the
 * option with IS_ENABLED() compiles; without it a call is left undefined at the link. */
#ifndef CONFIG_TIMESLICE_PER_THREAD
void k_thread_time_slice_set(struct k_thread *th, int32_t slice_ticks,
			     k_thread_timeslice_fn_t expired, void *data);
#endif
#ifndef CONFIG_SCHED_DEADLINE
void k_thread_deadline_set(k_tid_t thread, int deadline);
#endif

#ifdef CONFIG_SCHED_CPU_MASK
/* The CPUs a thread may run on (bit n: CPU n; the board has CPU 0 only).  Only a thread
 * that cannot run now (not started, blocked, suspended) may change: else -EINVAL. */
static inline int k_thread_cpu_mask_clear(k_tid_t thread)
{
	return z_levante_cpu_mask_mod(thread, 0, 0xffffffffU);
}

static inline int k_thread_cpu_mask_enable_all(k_tid_t thread)
{
	return z_levante_cpu_mask_mod(thread, 0xffffffffU, 0);
}

static inline int k_thread_cpu_mask_enable(k_tid_t thread, int cpu)
{
	return z_levante_cpu_mask_mod(thread, BIT(cpu), 0);
}

static inline int k_thread_cpu_mask_disable(k_tid_t thread, int cpu)
{
	return z_levante_cpu_mask_mod(thread, 0, BIT(cpu));
}

static inline int k_thread_cpu_pin(k_tid_t thread, int cpu)
{
	int ret = k_thread_cpu_mask_clear(thread);

	return ret == 0 ? k_thread_cpu_mask_enable(thread, cpu) : ret;
}
#endif


#ifdef CONFIG_EVENTS
/* The events of `events_mask` that are set now, without waiting or changing them. */
static inline uint32_t k_event_test(struct k_event *event, uint32_t events_mask)
{
	return k_event_wait(event, events_mask, false, K_NO_WAIT);
}
#endif

/* Memory charged to the calling thread: its resource pool (Zephyr's z_thread_malloc). */
static inline void *z_thread_malloc(size_t size)
{
	return z_thread_aligned_alloc(sizeof(void *), size);
}

/* k_fifo and k_lifo: Zephyr's macros over k_queue (first in first out, last in first
 * out). */
#define k_fifo_init(fifo) k_queue_init(&(fifo)->_queue)
#define k_fifo_cancel_wait(fifo) k_queue_cancel_wait(&(fifo)->_queue)
#define k_fifo_put(fifo, data) k_queue_append(&(fifo)->_queue, (data))
#define k_fifo_alloc_put(fifo, data) k_queue_alloc_append(&(fifo)->_queue, (data))
#define k_fifo_put_list(fifo, head, tail) k_queue_append_list(&(fifo)->_queue, (head), (tail))
#define k_fifo_get(fifo, timeout) k_queue_get(&(fifo)->_queue, (timeout))
#define k_fifo_is_empty(fifo) k_queue_is_empty(&(fifo)->_queue)
#define k_fifo_peek_head(fifo) k_queue_peek_head(&(fifo)->_queue)
#define k_fifo_peek_tail(fifo) k_queue_peek_tail(&(fifo)->_queue)
#define k_lifo_init(lifo) k_queue_init(&(lifo)->_queue)
#define k_lifo_put(lifo, data) k_queue_prepend(&(lifo)->_queue, (data))
#define k_lifo_alloc_put(lifo, data) k_queue_alloc_prepend(&(lifo)->_queue, (data))
#define k_lifo_get(lifo, timeout) k_queue_get(&(lifo)->_queue, (timeout))

/* Supervisor only: every node of `list` (a sys_slist_t) at the back of the queue, and
 * the list left empty; -EINVAL for an empty list. */
static inline int k_queue_merge_slist(struct k_queue *queue, sys_slist_t *list)
{
	int ret;

	if (sys_slist_is_empty(list)) {
		return -EINVAL;
	}
	ret = k_queue_append_list(queue, list->head, list->tail);
	if (ret == 0) {
		sys_slist_init(list);
	}
	return ret;
}
#define k_fifo_put_slist(fifo, list) k_queue_merge_slist(&(fifo)->_queue, (list))

#ifndef CONFIG_DYNAMIC_OBJECTS
/* Without CONFIG_DYNAMIC_OBJECTS nothing is allocated, as in Zephyr. */
static inline void *k_object_alloc(enum k_objects otype)
{
	ARG_UNUSED(otype);
	return NULL;
}

static inline void *k_object_alloc_size(enum k_objects otype, size_t size)
{
	ARG_UNUSED(otype);
	ARG_UNUSED(size);
	return NULL;
}

static inline void k_object_free(void *obj)
{
	ARG_UNUSED(obj);
}
#endif

/* ---- Inline helpers built on the system calls ------------------------------------ */

/* Zephyr's k_thread_access_grant(thread, obj1, obj2, ...): one grant per object. */
static inline void z_thread_access_grant(struct k_thread *thread, void *const *objects)
{
	for (; *objects != NULL; objects++) {
		k_object_access_grant(*objects, thread);
	}
}
#define k_thread_access_grant(thread, ...) \
	z_thread_access_grant((thread), (void *const[]){ __VA_ARGS__, NULL })

/* True in a user thread: thread mode (IPSR 0) with CONTROL.nPRIV set.  Without user mode
 * every thread is privileged, as in Zephyr. */
static inline bool k_is_user_context(void)
{
#ifdef CONFIG_USERSPACE
	uint32_t ipsr;
	uint32_t control;

	__asm__ volatile("mrs %0, IPSR" : "=r"(ipsr));
	if (ipsr != 0u) {
		return false;
	}
	__asm__ volatile("mrs %0, CONTROL" : "=r"(control));
	return (control & 1u) != 0u;
#else
	return false;
#endif
}
#define arch_is_user_context() k_is_user_context()

/* Zephyr's k_condvar_wait: the call gives the mutex up and waits; the mutex is taken
 * again here, whatever ended the wait, before returning 0 or -EAGAIN. */
static inline int k_condvar_wait(struct k_condvar *condvar, struct k_mutex *mutex,
				 k_timeout_t timeout)
{
	int ret = z_condvar_wait(condvar, mutex, timeout);

	k_mutex_lock(mutex, K_FOREVER);
	return ret;
}

/* Memory slab counts, read from what the kernel mirrors (inline, as in Zephyr). */
static inline uint32_t k_mem_slab_num_used_get(struct k_mem_slab *slab)
{
	return slab->info.num_used;
}

static inline uint32_t k_mem_slab_num_free_get(struct k_mem_slab *slab)
{
	return slab->info.num_blocks - slab->info.num_used;
}

#ifdef CONFIG_MEM_SLAB_TRACE_MAX_UTILIZATION
static inline uint32_t k_mem_slab_max_used_get(struct k_mem_slab *slab)
{
	return slab->info.max_used;
}

static inline int k_mem_slab_runtime_stats_reset_max(struct k_mem_slab *slab)
{
	if (slab == NULL) {
		return -EINVAL;
	}
	return z_mem_slab_stats_reset_max(slab);
}
#endif

static inline int k_mem_slab_runtime_stats_get(struct k_mem_slab *slab,
					       struct sys_memory_stats *stats)
{
	if (slab == NULL || stats == NULL) {
		return -EINVAL;
	}
	stats->allocated_bytes = slab->info.num_used * slab->info.block_size;
	stats->free_bytes = (slab->info.num_blocks - slab->info.num_used) * slab->info.block_size;
#ifdef CONFIG_MEM_SLAB_TRACE_MAX_UTILIZATION
	stats->max_allocated_bytes = slab->info.max_used * slab->info.block_size;
#else
	stats->max_allocated_bytes = 0;
#endif
	return 0;
}

#ifdef CONFIG_PIPES
/* Zephyr computes the pipe's availability from its fields; supervisor code does that
 * here, from the fields the kernel mirrors, and a user thread (which may not read the
 * kernel object) asks the kernel, which validates the pipe first. */
static inline size_t z_pipe_fields_read_avail(const struct k_pipe *pipe)
{
	if (pipe->buffer == NULL || pipe->size == 0U) {
		return 0;
	}
	if (pipe->read_index == pipe->write_index) {
		return pipe->bytes_used;
	}
	if (pipe->read_index < pipe->write_index) {
		return pipe->write_index - pipe->read_index;
	}
	return pipe->size - (pipe->read_index - pipe->write_index);
}

static inline size_t z_pipe_fields_write_avail(const struct k_pipe *pipe)
{
	if (pipe->buffer == NULL || pipe->size == 0U) {
		return 0;
	}
	if (pipe->write_index == pipe->read_index) {
		return pipe->size - pipe->bytes_used;
	}
	if (pipe->write_index < pipe->read_index) {
		return pipe->read_index - pipe->write_index;
	}
	return pipe->size - (pipe->write_index - pipe->read_index);
}

static inline size_t k_pipe_read_avail(struct k_pipe *pipe)
{
	return k_is_user_context() ? z_pipe_read_avail(pipe) : z_pipe_fields_read_avail(pipe);
}

static inline size_t k_pipe_write_avail(struct k_pipe *pipe)
{
	return k_is_user_context() ? z_pipe_write_avail(pipe) : z_pipe_fields_write_avail(pipe);
}
#endif

static inline int32_t k_msleep(int32_t ms)
{
	return k_sleep(K_MSEC(ms));
}

static inline int64_t k_uptime_get(void)
{
	return k_ticks_to_ms_floor64(k_uptime_ticks());
}

static inline uint32_t k_uptime_get_32(void)
{
	return (uint32_t)k_uptime_get();
}

static inline int64_t k_uptime_delta(int64_t *reftime)
{
	int64_t now = k_uptime_get();
	int64_t delta = now - *reftime;

	*reftime = now;
	return delta;
}

static inline uint32_t k_uptime_seconds(void)
{
	return (uint32_t)(k_uptime_get() / 1000);
}

/* The stop function runs in the context of the caller, as Zephyr documents. */
static inline void k_timer_stop(struct k_timer *timer)
{
	k_timer_stop_t stop_fn = z_timer_stop(timer);

	if (stop_fn != NULL) {
		stop_fn(timer);
	}
}

static inline uint32_t k_timer_remaining_get(struct k_timer *timer)
{
	return k_ticks_to_ms_floor32((uint32_t)k_timer_remaining_ticks(timer));
}

/* Zephyr's kernel.h brings in kernel_structs.h (_current and the state bits). */
#include <zephyr/kernel_structs.h>
/* Ticks and timepoints, the interrupt lock's other names and spinlocks: they need the
 * timeouts and calls above. */
#include <zephyr/sys_clock.h>
#include <levante/irq_lock.h>
#include <zephyr/spinlock.h>

#endif
