/* Memory domains (Zephyr's tests/kernel/mem_protect/mem_domain, with the domain cases of
 * userspace): what k_mem_domain_init() and k_mem_domain_add/remove_partition() refuse and
 * with which error, how many partitions a domain holds, a partition removed while a user
 * thread uses it, a user thread's child inheriting its domain, a thread moved to another
 * domain, and the k_mem_domain_* functions being out of a user thread's reach.
 *
 * main (supervisor) calls the API itself and runs the user threads; a returning
 * k_sys_fatal_error_handler() lets the kernel abort just the faulting thread.  Each check
 * prints "PASS <name>" or "FAIL <name>: why"; "INFO max_partitions <n>" gives the limit
 * main found, and "DONE" ends the run.
 */
#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>

#define STACK_SIZE 1024
#define USER_PRIORITY K_PRIO_PREEMPT(5)
#define MPU_GRANULE 32
#define POOL_CHUNKS 16

/* ---- Partitions and domains ------------------------------------------------------------ */

/* Every user thread's domain holds this one: where a thread notes how far it got. */
K_APPMEM_PARTITION_DEFINE(common_part);
K_APP_BMEM(common_part) volatile int reached_after_fault;

/* Used by a looping thread, then removed under it. */
K_APPMEM_PARTITION_DEFINE(loop_part);
K_APP_BMEM(loop_part) volatile uint32_t loop_counter;
K_APP_BMEM(loop_part) volatile uint32_t readd_seen;

/* Shared by a user thread and the child it creates. */
K_APPMEM_PARTITION_DEFINE(parent_part);
K_APP_BMEM(parent_part) volatile uint32_t parent_word;
K_APP_BMEM(parent_part) volatile uint32_t child_word;
K_APP_BMEM(parent_part) volatile int child_user;
K_APP_BMEM(parent_part) volatile uintptr_t child_created;
K_APP_BMEM(parent_part) volatile int child_join;

/* The two domains a thread moves between. */
K_APPMEM_PARTITION_DEFINE(old_part);
K_APP_BMEM(old_part) volatile uint32_t old_word;
K_APPMEM_PARTITION_DEFINE(new_part);
K_APP_BMEM(new_part) volatile uint32_t new_word;

/* Plain kernel memory to describe partitions over at run time. */
static uint8_t __aligned(256) api_pool[512];
static uint8_t __aligned(MPU_GRANULE) full_pool[POOL_CHUNKS][MPU_GRANULE];
static struct k_mem_partition pool_parts[POOL_CHUNKS + 1];

static struct k_mem_domain api_domain;
static struct k_mem_domain full_domain;
static struct k_mem_domain init_domain;
static struct k_mem_domain loop_domain;
static struct k_mem_domain parent_domain;
static struct k_mem_domain old_domain;
static struct k_mem_domain new_domain;

K_THREAD_STACK_DEFINE(user_stack, STACK_SIZE);
static struct k_thread user_thread;
K_THREAD_STACK_DEFINE(child_stack, STACK_SIZE);
static struct k_thread child_thread;

/* ---- The fatal error handler ----------------------------------------------------------- */

static volatile unsigned int handler_calls;
static volatile unsigned int last_reason;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	handler_calls++;
	last_reason = reason;
	/* Returning: the kernel aborts only the faulting thread. */
}

/* ---- Helpers ---------------------------------------------------------------------------- */

static void expect(const char *name, bool ok, const char *why)
{
	if (ok) {
		printk("PASS %s\n", name);
	} else {
		printk("FAIL %s: %s\n", name, why);
	}
}

static void expect_int(const char *name, int got, int want)
{
	if (got == want) {
		printk("PASS %s\n", name);
	} else {
		printk("FAIL %s: expected %d got %d\n", name, want, got);
	}
}

static struct k_mem_partition part(uintptr_t start, size_t size, k_mem_partition_attr_t attr)
{
	return (struct k_mem_partition){ .start = start, .size = size, .attr = attr };
}

/* Create a user thread (not started) in `domain`, named `name`. */
static void create_user(const char *name, k_thread_entry_t entry, void *p1, void *p2,
			struct k_mem_domain *domain)
{
	k_thread_create(&user_thread, user_stack, K_THREAD_STACK_SIZEOF(user_stack), entry, p1, p2,
			NULL, USER_PRIORITY, K_USER, K_FOREVER);
	k_thread_name_set(&user_thread, name);
	if (k_mem_domain_add_thread(domain, &user_thread) != 0) {
		printk("FAIL %s: k_mem_domain_add_thread\n", name);
	}
}

/* Run a user thread to its end; the number of faults it had (its reason in last_reason). */
static unsigned int run_user(const char *name, k_thread_entry_t entry, void *p1, void *p2,
			     struct k_mem_domain *domain)
{
	unsigned int calls_before = handler_calls;

	reached_after_fault = 0;
	last_reason = UINT_MAX;
	create_user(name, entry, p1, p2, domain);
	k_thread_start(&user_thread);
	if (k_thread_join(&user_thread, K_MSEC(100)) != 0) {
		printk("FAIL %s: the thread did not end\n", name);
		k_thread_abort(&user_thread);
	}
	return handler_calls - calls_before;
}

/* ---- k_mem_domain_add_partition / remove_partition -------------------------------------- */

static void test_add_remove_errors(void)
{
	uintptr_t pool = (uintptr_t)api_pool;
	struct k_mem_partition rw64 = part(pool, 64, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition p;
	bool pow2 = IS_ENABLED(CONFIG_MPU_REQUIRES_POWER_OF_TWO_ALIGNMENT);
	int ret;

	expect_int("init_empty", k_mem_domain_init(&api_domain, 0, NULL), 0);

	p = part(pool + 256, 32, K_MEM_PARTITION_P_RWX_U_RWX);
	expect_int("add_rwx_einval", k_mem_domain_add_partition(&api_domain, &p),
		   IS_ENABLED(CONFIG_EXECUTE_XOR_WRITE) ? -EINVAL : 0);
	p = part(pool + 256, 32, K_MEM_PARTITION_P_RWX_U_RX);
	expect_int("add_writable_executable_einval", k_mem_domain_add_partition(&api_domain, &p),
		   -EINVAL);
	p = part(pool + 256, 32, K_MEM_PARTITION_P_RX_U_RX);
	expect_int("add_rx_ok", k_mem_domain_add_partition(&api_domain, &p), 0);
	expect_int("remove_rx_ok", k_mem_domain_remove_partition(&api_domain, &p), 0);

	p = part(pool + 256, 0, K_MEM_PARTITION_P_RW_U_RW);
	expect_int("add_zero_size_einval", k_mem_domain_add_partition(&api_domain, &p), -EINVAL);
	p = part(0xffffffe0u, 64, K_MEM_PARTITION_P_RW_U_RW);
	expect_int("add_wrapping_einval", k_mem_domain_add_partition(&api_domain, &p), -EINVAL);
	expect_int("add_null_einval", k_mem_domain_add_partition(&api_domain, NULL), -EINVAL);

	expect_int("add_ok", k_mem_domain_add_partition(&api_domain, &rw64), 0);
	expect_int("add_same_again_einval", k_mem_domain_add_partition(&api_domain, &rw64),
		   -EINVAL);
	p = part(pool + 32, 32, K_MEM_PARTITION_P_RW_U_RO);
	expect_int("add_overlap_einval", k_mem_domain_add_partition(&api_domain, &p), -EINVAL);

	/* 100 bytes: neither a power of two nor a multiple of 32. */
	p = part(pool + 128, 100, K_MEM_PARTITION_P_RW_U_RW);
	expect_int("add_100_bytes_einval", k_mem_domain_add_partition(&api_domain, &p), -EINVAL);
	/* 96 bytes, and 64 bytes not aligned to 64: fine for ARMv8-M's 32-byte grid, not for
	 * ARMv7-M's power-of-two regions aligned to their size. */
	p = part(pool + 128, 96, K_MEM_PARTITION_P_RW_U_RW);
	ret = k_mem_domain_add_partition(&api_domain, &p);
	expect_int("add_96_bytes", ret, pow2 ? -EINVAL : 0);
	if (ret == 0) {
		expect_int("remove_96_bytes", k_mem_domain_remove_partition(&api_domain, &p), 0);
	}
	p = part(pool + 64 + 32, 64, K_MEM_PARTITION_P_RW_U_RW);
	ret = k_mem_domain_add_partition(&api_domain, &p);
	expect_int("add_64_bytes_32_aligned", ret, pow2 ? -EINVAL : 0);
	if (ret == 0) {
		expect_int("remove_64_bytes_32_aligned",
			   k_mem_domain_remove_partition(&api_domain, &p), 0);
	}

	p = part(pool + 256, 32, K_MEM_PARTITION_P_RW_U_RW);
	expect_int("remove_not_member_enoent", k_mem_domain_remove_partition(&api_domain, &p),
		   -ENOENT);
	p = part(pool, 0, K_MEM_PARTITION_P_RW_U_RW);
	expect_int("remove_zero_size_enoent", k_mem_domain_remove_partition(&api_domain, &p),
		   -ENOENT);
	expect_int("remove_ok", k_mem_domain_remove_partition(&api_domain, &rw64), 0);
	expect_int("remove_again_enoent", k_mem_domain_remove_partition(&api_domain, &rw64),
		   -ENOENT);
	expect_int("add_after_remove_ok", k_mem_domain_add_partition(&api_domain, &rw64), 0);
}

/* ---- How many partitions a domain holds ----------------------------------------------- */

static void test_domain_full(void)
{
	struct k_mem_partition *parts[POOL_CHUNKS + 1];
	int count = 0;
	int ret = 0;

	for (int i = 0; i <= POOL_CHUNKS; i++) {
		pool_parts[i] = part((uintptr_t)full_pool[i % POOL_CHUNKS], MPU_GRANULE,
				     K_MEM_PARTITION_P_RW_U_RW);
		parts[i] = &pool_parts[i];
	}
	expect_int("full_init_empty", k_mem_domain_init(&full_domain, 0, NULL), 0);
	while (count < POOL_CHUNKS) {
		ret = k_mem_domain_add_partition(&full_domain, &pool_parts[count]);
		if (ret != 0) {
			break;
		}
		count++;
	}
	printk("INFO max_partitions %d\n", count);
	expect_int("domain_full_enospc", ret, -ENOSPC);
	expect("domain_full_limit", count >= 1 && count <= CONFIG_MAX_DOMAIN_PARTITIONS,
	       "the limit is not within 1..CONFIG_MAX_DOMAIN_PARTITIONS");
	expect_int("full_remove_ok", k_mem_domain_remove_partition(&full_domain, &pool_parts[0]),
		   0);
	expect_int("full_add_after_remove_ok",
		   k_mem_domain_add_partition(&full_domain, &pool_parts[count]), 0);

	/* k_mem_domain_init: the same limit, and the same checks as adding. */
	expect_int("init_max_ok", k_mem_domain_init(&init_domain, count, parts), 0);
	expect_int("init_too_many_einval", k_mem_domain_init(&init_domain, count + 1, parts),
		   -EINVAL);
	expect_int("init_null_domain_einval", k_mem_domain_init(NULL, 0, NULL), -EINVAL);
	expect_int("init_null_parts_einval", k_mem_domain_init(&init_domain, 1, NULL), -EINVAL);
	parts[1] = NULL;
	expect_int("init_null_entry_einval", k_mem_domain_init(&init_domain, 2, parts), -EINVAL);
	parts[1] = &pool_parts[0];
	expect_int("init_overlap_einval", k_mem_domain_init(&init_domain, 2, parts), -EINVAL);
}

/* ---- A partition removed under a running thread ----------------------------------------- */

static void looper_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (;;) {
		loop_counter++;
	}
}

static void readd_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	readd_seen = loop_counter + 1;
	reached_after_fault = 1;
}

static void test_remove_while_running(void)
{
	struct k_mem_partition *parts[] = { &common_part, &loop_part };
	unsigned int calls_before = handler_calls;
	uint32_t count_before;
	uint32_t count_at_removal;
	int ret;

	expect_int("loop_init", k_mem_domain_init(&loop_domain, ARRAY_SIZE(parts), parts), 0);
	create_user("looper", looper_entry, NULL, NULL, &loop_domain);
	k_thread_start(&user_thread);
	k_msleep(2); /* the looper spins meanwhile; the timer brings main back */
	count_before = loop_counter;
	ret = k_mem_domain_remove_partition(&loop_domain, &loop_part);
	count_at_removal = loop_counter;
	expect("looper_ran", count_before > 0, "the looper never ran");
	expect_int("remove_running_ok", ret, 0);
	expect_int("looper_ended", k_thread_join(&user_thread, K_MSEC(100)), 0);
	expect("looper_faulted",
	       handler_calls == calls_before + 1 && last_reason == K_ERR_CPU_EXCEPTION,
	       "expected one CPU exception");
	expect("looper_stopped_at_once", loop_counter == count_at_removal,
	       "the looper counted on after the removal");

	expect_int("readd_ok", k_mem_domain_add_partition(&loop_domain, &loop_part), 0);
	expect_int("readded_partition_usable",
		   run_user("readd", readd_entry, NULL, NULL, &loop_domain), 0);
	expect("readded_partition_written", readd_seen == count_at_removal + 1 &&
	       reached_after_fault, "the new thread did not use the partition");
}

/* ---- A child inherits its creator's domain ---------------------------------------------- */

static void child_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	child_user = k_is_user_context() ? 1 : 0;
	child_word = parent_word + 1;
}

static void parent_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	parent_word = 0x1000;
	child_created = (uintptr_t)k_thread_create(&child_thread, child_stack,
						   K_THREAD_STACK_SIZEOF(child_stack), child_entry,
						   NULL, NULL, NULL, USER_PRIORITY + 1, K_USER,
						   K_FOREVER);
	k_thread_name_set(&child_thread, "child");
	k_thread_start(&child_thread);
	child_join = k_thread_join(&child_thread, K_FOREVER);
	reached_after_fault = 1;
}

static void test_child_inherits_domain(void)
{
	struct k_mem_partition *parts[] = { &common_part, &parent_part };
	unsigned int faults;

	expect_int("parent_init", k_mem_domain_init(&parent_domain, ARRAY_SIZE(parts), parts), 0);
	reached_after_fault = 0;
	child_join = INT_MIN;
	create_user("parent", parent_entry, NULL, NULL, &parent_domain);
	/* The parent may create the child on these objects, and wait for it. */
	k_thread_access_grant(&user_thread, &child_thread, child_stack);
	faults = handler_calls;
	k_thread_start(&user_thread);
	expect_int("parent_ended", k_thread_join(&user_thread, K_MSEC(100)), 0);
	expect_int("family_no_fault", (int)(handler_calls - faults), 0);
	expect("parent_created_child", child_created == (uintptr_t)&child_thread,
	       "k_thread_create from user mode failed");
	expect_int("parent_joined_child", child_join, 0);
	expect("child_user_mode", child_user == 1, "the child is not a user thread");
	expect("child_uses_parent_partition", child_word == 0x1001,
	       "the child did not reach the parent's partition");
	expect("parent_finished", reached_after_fault, "the parent stopped early");
}

/* ---- A thread moved to another domain --------------------------------------------------- */

static void migrant_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	old_word = 1;
	k_sleep(K_FOREVER); /* main moves it meanwhile */
	new_word = 2;
	old_word = 3;
	reached_after_fault = 1;
}

static void test_migration(void)
{
	struct k_mem_partition *old_parts[] = { &common_part, &old_part };
	struct k_mem_partition *new_parts[] = { &common_part, &new_part };
	unsigned int calls_before = handler_calls;

	expect_int("old_init", k_mem_domain_init(&old_domain, ARRAY_SIZE(old_parts), old_parts),
		   0);
	expect_int("new_init", k_mem_domain_init(&new_domain, ARRAY_SIZE(new_parts), new_parts),
		   0);
	reached_after_fault = 0;
	create_user("migrant", migrant_entry, NULL, NULL, &old_domain);
	k_thread_start(&user_thread);
	k_msleep(1);
	expect("migrant_used_old_domain", old_word == 1, "the migrant did not run");
	expect_int("migrate_ok", k_mem_domain_add_thread(&new_domain, &user_thread), 0);
	k_thread_resume(&user_thread);
	expect_int("migrant_ended", k_thread_join(&user_thread, K_MSEC(100)), 0);
	expect("migrant_used_new_domain", new_word == 2, "no write to the new domain");
	expect("migrant_lost_old_domain",
	       handler_calls == calls_before + 1 && last_reason == K_ERR_CPU_EXCEPTION &&
		       old_word == 1 && !reached_after_fault,
	       "the old domain's partition was still writable");
}

/* ---- The k_mem_domain_* functions are not system calls ---------------------------------- */

static void user_add_partition(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p3);
	(void)k_mem_domain_add_partition(p1, p2);
	reached_after_fault = 1;
}

static void user_remove_partition(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p3);
	(void)k_mem_domain_remove_partition(p1, p2);
	reached_after_fault = 1;
}

static void user_add_thread(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	(void)k_mem_domain_add_thread(p1, k_current_get());
	reached_after_fault = 1;
}

static void user_init_domain(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	(void)k_mem_domain_init(p1, 0, NULL);
	reached_after_fault = 1;
}

static void user_revoke(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	k_object_access_revoke(k_current_get(), k_current_get());
	reached_after_fault = 1;
}

static void expect_oops(const char *name, k_thread_entry_t entry, void *p1, void *p2,
			struct k_mem_domain *domain)
{
	unsigned int faults = run_user(name, entry, p1, p2, domain);

	expect(name, faults == 1 && last_reason == K_ERR_KERNEL_OOPS && !reached_after_fault,
	       "expected one K_ERR_KERNEL_OOPS that stops the thread");
}

static void test_supervisor_only(void)
{
	struct k_mem_partition spare = part((uintptr_t)&api_pool[256], 32,
					    K_MEM_PARTITION_P_RW_U_RW);

	/* The user thread tries to widen, shrink and leave its own domain. */
	expect_oops("user_add_partition_oops", user_add_partition, &loop_domain, &spare,
		    &loop_domain);
	expect_int("user_add_partition_no_effect",
		   k_mem_domain_remove_partition(&loop_domain, &spare), -ENOENT);
	expect_oops("user_remove_partition_oops", user_remove_partition, &loop_domain,
		    &loop_part, &loop_domain);
	expect_int("user_remove_partition_no_effect",
		   run_user("readd", readd_entry, NULL, NULL, &loop_domain), 0);
	expect_oops("user_add_thread_oops", user_add_thread, &api_domain, NULL, &loop_domain);
	expect_oops("user_init_oops", user_init_domain, &loop_domain, NULL, &loop_domain);
	expect_int("user_init_no_effect",
		   run_user("readd", readd_entry, NULL, NULL, &loop_domain), 0);
	expect_oops("user_revoke_oops", user_revoke, NULL, NULL, &loop_domain);
}

int main(void)
{
	test_add_remove_errors();
	test_domain_full();
	test_remove_while_running();
	test_child_inherits_domain();
	test_migration();
	test_supervisor_only();

	/* The system runs on: a user thread still runs to its end in a domain. */
	expect_int("runs_on", run_user("readd", readd_entry, NULL, NULL, &loop_domain), 0);
	printk("DONE\n");
	return 0;
}
