/*
 * A door controller in three kernel security domains (domains.toml), each a user thread
 * with a memory partition of its own, connected by typed IPC (door.idl) and one queue,
 * and judged by policy.lvp:
 *
 *   broker --door/cmd--> network ==door.authenticate/unlock==> controller ==bolt.open==>
 *   broker <-door/reply-- network <=========(replies)========= controller     actuator
 *   broker <-door/status- network <-----------status_queue------------------- (led0)
 *
 * main() is the privileged monitor: it grants the objects, starts the threads, prints
 * the policy's audit records as they come (levante_policy_audit_read), and restarts the
 * network domain when it dies (a fault ends only the faulting thread). The first console
 * line is the broker's TCP port on the host (reached through the configured peer address).
 */
#include <stdlib.h>
#include <zephyr/drivers/gpio.h>
#include <zephyr/drivers/uart.h>
#include <zephyr/fatal.h>
#include <zephyr/kernel.h>
#include <levante/domain.h>
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

LEVANTE_IPC_ENDPOINT_DEFINE(door_ep, door);
LEVANTE_IPC_ENDPOINT_DEFINE(bolt_ep, bolt);
K_MSGQ_DEFINE(status_queue, sizeof(struct door_status), 8, 4);

/* The network domain's threads are made at run time (a restart makes a new one): the
 * monitor places each in the domain before it starts. */
LEVANTE_DOMAIN_DEFINE(network);

/* Set by the monitor before the network domain starts; read by it. */
K_APP_DMEM(network_part) uint16_t broker_port;

static const struct device *const gpio0 = DEVICE_DT_GET(DT_NODELABEL(gpio0));

/* The controller and the actuator begin in their domains (domains.toml names them);
 * they wait for the monitor's grants before they start. */
K_THREAD_DEFINE(controller, STACK_BYTES, controller_main, NULL, NULL, NULL,
		CONTROLLER_PRIORITY, K_USER, SYS_FOREVER_MS);
K_THREAD_DEFINE(actuator, STACK_BYTES, actuator_main, NULL, NULL, NULL, ACTUATOR_PRIORITY,
		K_USER, SYS_FOREVER_MS);

K_THREAD_STACK_DEFINE(network_stack, STACK_BYTES);
static struct k_thread network_thread;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("monitor: fatal error %u in %s; the thread ends\n", reason,
	       k_thread_name_get(k_current_get()));
	/* Returning: only the faulting thread is aborted, the device runs on. */
}

/* Created stopped, named, and placed in the network domain (its partition comes with
 * it) before its first instruction; it may use its endpoint and queue only. */
static void start_network(void)
{
	k_thread_create(&network_thread, network_stack, STACK_BYTES, network_main, NULL, NULL,
			NULL, NETWORK_PRIORITY, K_USER, K_FOREVER);
	k_thread_name_set(&network_thread, "net_rx");
	if (levante_domain_add_thread(LEVANTE_DOMAIN(network), &network_thread) != 0) {
		k_panic();
	}
	k_thread_access_grant(&network_thread, &door_ep, &status_queue);
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
	k_thread_access_grant(controller, &door_ep, &bolt_ep);
	k_thread_access_grant(actuator, &bolt_ep, &status_queue);
	k_object_access_grant(gpio0, actuator);
	k_thread_start(actuator);
	k_thread_start(controller);
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
