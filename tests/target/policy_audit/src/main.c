/* Under policy.lvp (an audit buffer of 4 records): six refused gives fill the buffer
 * past its size; main reads the records in two takes, with the count of records
 * dropped, then finds the buffer empty. A supervisor thread the policy refuses gets
 * -EPERM, a user thread no grant names gets -EPERM, and hostile arguments from a
 * supervisor thread fault it without harming the kernel. */
#include <zephyr/kernel.h>
#include <levante/policy_audit.h>

K_SEM_DEFINE(guarded, 0, 10);

K_THREAD_STACK_DEFINE(other_stack, 1024);
static struct k_thread other_thread;
/* Out of main's stack: eight records are 896 bytes. */
static struct levante_audit_record records[8];

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("FATAL %u\n", reason);
}

static void show(struct levante_audit_record *records, int count)
{
	for (int i = 0; i < count; i++) {
		printk("record %s %s %s line %d\n", records[i].thread, records[i].event,
		       records[i].granted ? "grant" : "deny", records[i].rule_line);
	}
}

static void read_from(void *p1, void *p2, void *p3)
{
	struct levante_audit_record record;
	uintptr_t how = (uintptr_t)p1;

	ARG_UNUSED(p3);
	if (how == 0) {
		/* Its name from its creator: a user thread cannot read its own k_thread. */
		printk("%s read: %d\n", (const char *)p2,
		       levante_policy_audit_read(&record, 1, NULL));
	} else if (how == 1) {
		(void)levante_policy_audit_read((struct levante_audit_record *)0x10, 1, NULL);
		printk("survived a bad array\n");
	} else {
		(void)levante_policy_audit_read(&record, 0x10000000, NULL);
		printk("survived an overflowing count\n");
	}
}

static void run(const char *name, uintptr_t how, uint32_t options)
{
	k_tid_t tid = k_thread_create(&other_thread, other_stack,
				      K_THREAD_STACK_SIZEOF(other_stack), read_from,
				      (void *)how, (void *)name, NULL, 5, options, K_FOREVER);

	k_thread_name_set(tid, name);
	k_thread_start(tid);
	k_thread_join(tid, K_FOREVER);
}

int main(void)
{
	uint32_t dropped = 99;

	for (int i = 0; i < 6; i++) {
		(void)k_sem_give(&guarded);
	}
	int taken = levante_policy_audit_read(records, 3, &dropped);

	printk("first take %d dropped %u\n", taken, dropped);
	show(records, taken);
	taken = levante_policy_audit_read(records, ARRAY_SIZE(records), &dropped);
	printk("second take %d dropped %u\n", taken, dropped);
	show(records, taken);
	printk("third take %d\n", levante_policy_audit_read(records, 8, NULL));

	run("reader", 0, 0);
	run("bystander", 0, 0);
	run("user", 0, K_USER);
	run("hostile", 1, 0);
	run("overflow", 2, 0);
	/* The bystander's refusal was audited too. */
	taken = levante_policy_audit_read(records, ARRAY_SIZE(records), &dropped);
	printk("last take %d dropped %u\n", taken, dropped);
	show(records, taken);
	printk("DONE\n");
	return 0;
}
