/*
 * A door controller in three security domains, each a user thread in a memory domain of
 * its own, connected only by kernel objects and judged by policy.lvp:
 *
 *   broker --door/cmd--> network --request_queue--> controller --unlock_queue--> actuator
 *   broker <-door/reply-- network <--reply_pipe---- controller       (door_auth) --> bolt
 *   broker <-door/status- network <-----------status_queue-------------- actuator   (led0)
 *
 * main() is the privileged monitor: it sets the domains up, starts their threads, prints
 * the policy's audit records as they come (levante_policy_audit_read), and restarts the
 * network domain when it dies (a fault ends only the faulting thread). The first console
 * line is the broker's TCP port on the host (reached through the configured peer address).
 */
#include <stdlib.h>
#include <zephyr/drivers/gpio.h>
#include <zephyr/drivers/uart.h>
#include <zephyr/fatal.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/libc-hooks.h>
#include <levante/policy_audit.h>
#include "door.h"

#define STACK_BYTES 4096
#define NETWORK_PRIORITY 7
#define CONTROLLER_PRIORITY 6
#define ACTUATOR_PRIORITY 5
#define MONITOR_PERIOD_MS 100
#define NETWORK_RESTARTS_MAX 8 /* then the monitor gives the network domain up */

K_APPMEM_PARTITION_DEFINE(network_part);
K_APPMEM_PARTITION_DEFINE(controller_part);
K_APPMEM_PARTITION_DEFINE(actuator_part);

K_MSGQ_DEFINE(request_queue, sizeof(struct door_request), 4, 4);
K_MSGQ_DEFINE(unlock_queue, sizeof(struct door_command), 2, 4);
K_MSGQ_DEFINE(status_queue, sizeof(struct door_status), 8, 4);
K_SEM_DEFINE(door_auth, 0, 1);
K_PIPE_DEFINE(reply_pipe, 8 * sizeof(struct door_reply), 4);

/* Set by the monitor before the network domain starts; read by it. */
K_APP_DMEM(network_part) uint16_t broker_port;

static const struct device *const gpio0 = DEVICE_DT_GET(DT_NODELABEL(gpio0));

K_THREAD_STACK_DEFINE(network_stack, STACK_BYTES);
K_THREAD_STACK_DEFINE(controller_stack, STACK_BYTES);
K_THREAD_STACK_DEFINE(actuator_stack, STACK_BYTES);
static struct k_thread network_thread, controller_thread, actuator_thread;
static struct k_mem_domain network_domain, controller_domain, actuator_domain;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("monitor: fatal error %u in %s; the thread ends\n", reason,
	       k_thread_name_get(k_current_get()));
	/* Returning: only the faulting thread is aborted, the device runs on. */
}

static void make_domain(struct k_mem_domain *domain, struct k_mem_partition *own)
{
	struct k_mem_partition *parts[] = { own, &z_libc_partition };

	if (k_mem_domain_init(domain, ARRAY_SIZE(parts), parts) != 0) {
		k_panic();
	}
}

/* Created stopped, named (policy.lvp's domains are thread names) and placed in its
 * memory domain before its first instruction. */
static void create(struct k_thread *thread, k_thread_stack_t *stack, k_thread_entry_t entry,
		   int priority, const char *name, struct k_mem_domain *domain)
{
	k_thread_create(thread, stack, STACK_BYTES, entry, NULL, NULL, NULL, priority, K_USER,
			K_FOREVER);
	k_thread_name_set(thread, name);
	if (k_mem_domain_add_thread(domain, thread) != 0) {
		k_panic();
	}
}

static void start_network(void)
{
	create(&network_thread, network_stack, network_main, NETWORK_PRIORITY, "net_rx",
	       &network_domain);
	k_thread_access_grant(&network_thread, &request_queue, &reply_pipe, &status_queue);
	k_thread_start(&network_thread);
}

/* The monitor's copy of the audit records (kernel RAM: no user domain holds it). */
static struct levante_audit_record records[8];

static void show_audit(void)
{
	uint32_t dropped = 0;
	int count;

	while ((count = levante_policy_audit_read(records, ARRAY_SIZE(records), &dropped)) > 0) {
		for (int i = 0; i < count; i++) {
			printk("monitor: audit %s %s by %s (rule line %d)\n",
			       records[i].granted ? "granted" : "refused", records[i].event,
			       records[i].thread, records[i].rule_line);
		}
		if (dropped != 0) {
			printk("monitor: audit dropped %u\n", dropped);
		}
	}
}

static uint16_t read_port(void)
{
	const struct device *console = DEVICE_DT_GET(DT_CHOSEN(zephyr_console));
	char line[16];
	size_t length = 0;
	unsigned char c;

	while (length < sizeof(line) - 1 && uart_poll_in(console, &c) == 0 && c != '\n') {
		line[length++] = (char)c;
	}
	line[length] = '\0';
	return (uint16_t)atoi(line);
}

int main(void)
{
	int restarts = 0;

	broker_port = read_port();
	printk("door_controller: broker port %u\n", broker_port);
	make_domain(&network_domain, &network_part);
	make_domain(&controller_domain, &controller_part);
	make_domain(&actuator_domain, &actuator_part);

	create(&controller_thread, controller_stack, controller_main, CONTROLLER_PRIORITY,
	       "controller", &controller_domain);
	k_thread_access_grant(&controller_thread, &request_queue, &unlock_queue, &door_auth,
			      &reply_pipe);
	create(&actuator_thread, actuator_stack, actuator_main, ACTUATOR_PRIORITY, "actuator",
	       &actuator_domain);
	k_thread_access_grant(&actuator_thread, &unlock_queue, &door_auth, &status_queue);
	k_object_access_grant(gpio0, &actuator_thread);
	k_thread_start(&actuator_thread);
	k_thread_start(&controller_thread);
	start_network();

	for (;;) {
		if (k_thread_join(&network_thread, K_MSEC(MONITOR_PERIOD_MS)) == 0) {
			show_audit();
			network_release();
			if (++restarts > NETWORK_RESTARTS_MAX) {
				printk("monitor: network domain given up\n");
				break;
			}
			printk("monitor: network domain ended; restart %d\n", restarts);
			start_network();
		}
		show_audit();
	}
	for (;;) {
		k_sleep(K_MSEC(MONITOR_PERIOD_MS));
		show_audit();
	}
	return 0;
}
