/* Under policy.lvp a user thread asks the policy before it acts: a PIN query advances
 * the door's Flow, the door opens only from "front" and only once authenticated, two
 * openings a second at most; another thread is refused outright. main then reads the
 * audit records of the queries. */
#include <zephyr/kernel.h>
#include <levante/policy.h>
#include <levante/policy_audit.h>

K_THREAD_STACK_DEFINE(asker_stack, 2048);
static struct k_thread asker_thread;
static struct levante_audit_record records[16];

static void ask(const char *name, const struct levante_policy_field *fields, size_t count,
		const char *what)
{
	printk("%s %s: %d\n", name, what, levante_policy_query(name, fields, count));
}

static void authenticate(int64_t pin)
{
	struct levante_policy_field fields[] = { LEVANTE_POLICY_INT("pin", pin) };

	ask("door.authenticate", fields, ARRAY_SIZE(fields), pin == 1234 ? "pin" : "wrong pin");
}

static void open_from(const char *side)
{
	struct levante_policy_field fields[] = { LEVANTE_POLICY_STR("side", side) };

	ask("door.open", fields, ARRAY_SIZE(fields), side);
}

static void asker(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	if ((uintptr_t)p1 == 1) {
		open_from("front");
		return;
	}
	open_from("front");   /* locked: not authenticated yet */
	authenticate(1111);
	authenticate(1234);
	open_from("back");    /* the wrong side */
	open_from("front");   /* unlocks */
	ask("door.close", NULL, 0, "after the first");
	authenticate(1234);
	open_from("front");   /* the second opening within the second */
	ask("door.close", NULL, 0, "after the second");
	authenticate(1234);
	open_from("front");   /* a third: over the limit */
	ask("door open", NULL, 0, "malformed");
	ask("door.open", (const struct levante_policy_field *)0, 1, "no fields");
}

static void run(const char *name, uintptr_t how)
{
	k_tid_t tid = k_thread_create(&asker_thread, asker_stack,
				      K_THREAD_STACK_SIZEOF(asker_stack), asker, (void *)how,
				      NULL, NULL, 5, K_USER, K_FOREVER);

	k_thread_name_set(tid, name);
	k_thread_start(tid);
	k_thread_join(tid, K_FOREVER);
}

int main(void)
{
	run("asker", 0);
	run("intruder", 1);
	int taken = levante_policy_audit_read(records, ARRAY_SIZE(records), NULL);

	for (int i = 0; i < taken; i++) {
		printk("record %s %s %s line %d\n", records[i].thread, records[i].event,
		       records[i].granted ? "grant" : "deny", records[i].rule_line);
	}
	printk("DONE\n");
	return 0;
}
