/* Under policy.lvp and domains.toml: controller, a user thread of the network domain,
 * is refused a give (an audit record) and refused the audit trail, although a grant
 * names a thread called "auditor" nowhere in its domain; auditor, a user thread of the
 * audit domain, reads the records into its own stack, then hands the kernel an array
 * it may not write and faults. */
#include <zephyr/kernel.h>
#include <levante/policy_audit.h>

K_SEM_DEFINE(bell, 0, 5);

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("FATAL %u in %s\n", reason, k_thread_name_get(k_current_get()));
}

static void controller_entry(void *p1, void *p2, void *p3)
{
	struct levante_audit_record record;
	uint32_t dropped = 99;

	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	k_sem_give(&bell);
	printk("controller gave: count %u\n", k_sem_count_get(&bell));
	printk("controller read: %d dropped %u\n",
	       levante_policy_audit_read(&record, 1, &dropped), dropped);
	/* Its name is no key: the grant names the audit domain. */
	k_thread_name_set(k_current_get(), "auditor");
	printk("renamed read: %d\n", levante_policy_audit_read(&record, 1, NULL));
}

static void auditor_entry(void *p1, void *p2, void *p3)
{
	struct levante_audit_record records[4];
	uint32_t dropped = 99;

	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	int taken = levante_policy_audit_read(records, ARRAY_SIZE(records), &dropped);

	printk("auditor take %d dropped %u\n", taken, dropped);
	for (int i = 0; i < taken; i++) {
		printk("record %s %s %s line %d\n", records[i].thread, records[i].event,
		       records[i].granted ? "grant" : "deny", records[i].rule_line);
	}
	printk("auditor again: %d\n", levante_policy_audit_read(records, 4, NULL));
	/* Kernel memory is no user array: the copy-out is checked, the caller faults. */
	(void)levante_policy_audit_read((struct levante_audit_record *)0x10, 1, NULL);
	printk("auditor survived a bad array\n");
}

K_THREAD_DEFINE(controller, 1024, controller_entry, NULL, NULL, NULL, 5, K_USER, 10);
K_THREAD_DEFINE(auditor, 1024, auditor_entry, NULL, NULL, NULL, 6, K_USER, 20);
K_THREAD_ACCESS_GRANT(controller, &bell);

int main(void)
{
	k_msleep(50);
	printk("DONE\n");
	return 0;
}
