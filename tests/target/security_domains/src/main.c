/* User threads in two security domains (domains.toml) under policy.lvp. main makes
 * handles to the door semaphore and shows the rules of rights; signaler, a user thread
 * of main's domain without Zephyr's permission on the door, gives it through the
 * domain's SIGNAL-only handle and faults on a take; net, a user thread of the network
 * domain, renames itself "main" and is still judged as network. net_part is the
 * network domain's memory (domains.toml): net writes net_data there; spy, a user
 * thread of control, faults reading it. */
#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>
#include <levante/domain.h>
#include <levante/handle.h>

LEVANTE_DOMAIN_DEFINE(control);
LEVANTE_DOMAIN_DEFINE(network);

K_APPMEM_PARTITION_DEFINE(net_part);
K_APP_DMEM(net_part) volatile int net_data = 1;

K_SEM_DEFINE(door, 0, 5);
K_SEM_DEFINE(spare, 0, 1);
K_SEM_DEFINE(bell, 0, 5); /* net may use it (K_THREAD_ACCESS_GRANT) */

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	char name[LEVANTE_DOMAIN_NAME_LEN] = "";

	levante_domain_name_get(NULL, name, sizeof(name));
	printk("FATAL %u in domain %s\n", reason, name);
}

static void signaler_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	char name[LEVANTE_DOMAIN_NAME_LEN];

	levante_domain_name_get(NULL, name, sizeof(name));
	printk("signaler domain %s\n", name);
	k_sem_give(&door); /* the domain's handle holds SIGNAL */
	printk("signaler gave\n");
	k_sem_take(&door, K_NO_WAIT); /* no WAIT right, no permission: an oops */
	printk("signaler took\n");
}

static void net_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	char name[LEVANTE_DOMAIN_NAME_LEN];

	printk("net rename: %d\n", k_thread_name_set(k_current_get(), "main"));
	levante_domain_name_get(NULL, name, sizeof(name));
	printk("net (now named main) domain %s\n", name);
	k_sem_give(&bell); /* granted only to control: refused, whatever the name */
	printk("net bell count %u\n", k_sem_count_get(&bell));
	net_data = 42; /* its domain's memory */
	printk("net wrote %d\n", net_data);
}

static void spy_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("spy read %d\n", net_data); /* another domain's memory: a fault */
}

K_THREAD_DEFINE(signaler, 1024, signaler_entry, NULL, NULL, NULL, 5, K_USER, 10);
K_THREAD_DEFINE(net, 1024, net_entry, NULL, NULL, NULL, 6, K_USER, 20);
K_THREAD_DEFINE(spy, 1024, spy_entry, NULL, NULL, NULL, 7, K_USER, 30);
K_THREAD_ACCESS_GRANT(net, &bell);

int main(void)
{
	struct levante_handle_info info;
	char name[LEVANTE_DOMAIN_NAME_LEN];

	levante_domain_name_get(NULL, name, sizeof(name));
	printk("main domain %s\n", name);

	int root = levante_handle_create(&door, LEVANTE_RIGHT_SIGNAL | LEVANTE_RIGHT_DUPLICATE |
							LEVANTE_RIGHT_TRANSFER);
	printk("create: %s\n", root > 0 ? "ok" : "refused");
	printk("widen: %d\n", levante_handle_duplicate(root, LEVANTE_RIGHT_SIGNAL |
							     LEVANTE_RIGHT_WAIT));
	printk("transfer copy: %d\n", levante_handle_duplicate(root, LEVANTE_RIGHT_SIGNAL |
								     LEVANTE_RIGHT_TRANSFER));
	int signal_only = levante_handle_duplicate(root, LEVANTE_RIGHT_SIGNAL);
	levante_handle_info(signal_only, &info);
	printk("signal-only: type %s rights %u live %u\n",
	       info.type == K_OBJ_SEM ? "sem" : "other", info.rights, info.live);
	printk("copy without DUPLICATE: %d\n",
	       levante_handle_duplicate(signal_only, LEVANTE_RIGHT_SIGNAL));
	/* main's own handle to the door keeps only SIGNAL: what the domain may do. */
	int replaced = levante_handle_replace(root, LEVANTE_RIGHT_SIGNAL);
	printk("old after replace: %d\n", levante_handle_close(root));
	levante_handle_close(replaced);

	/* Revoke reaches every copy derived from a handle. */
	int top = levante_handle_create(&spare, LEVANTE_RIGHTS_ALL);
	int child = levante_handle_duplicate(top, LEVANTE_RIGHT_SIGNAL | LEVANTE_RIGHT_DUPLICATE);
	int grandchild = levante_handle_duplicate(child, LEVANTE_RIGHT_SIGNAL);
	printk("revoked: %d\n", levante_handle_revoke(top));
	printk("grandchild after revoke: %d\n", levante_handle_info(grandchild, &info));
	printk("forged: %d\n", levante_handle_close(0x12345679));

	k_thread_join(signaler, K_FOREVER);
	k_thread_join(net, K_FOREVER);
	k_thread_join(spy, K_FOREVER);
	printk("door count %u bell count %u net_data %d\n", k_sem_count_get(&door),
	       k_sem_count_get(&bell), net_data);
	printk("DONE\n");
	return 0;
}
