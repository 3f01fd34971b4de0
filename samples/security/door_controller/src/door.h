/* What the door controller's parts share: the domains' partitions, the IPC endpoints and
 * the queue that connect them, and each domain's entry point. */
#ifndef DOOR_H_
#define DOOR_H_

#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>
#include <idl/door.h>
#include "door_protocol.h"

/* One partition per domain (domains.toml): a domain's threads see only their own (and
 * the C library's). */
extern struct k_mem_partition network_part;
extern struct k_mem_partition controller_part;
extern struct k_mem_partition actuator_part;

/* network -> controller: the `door` interface, served by the controller. */
extern struct levante_ipc_endpoint door_ep;
/* controller -> actuator: the `bolt` interface, served by the actuator. */
extern struct levante_ipc_endpoint bolt_ep;
/* actuator -> network: the bolt's state. */
extern struct k_msgq status_queue;

/* The bolt's state as the actuator keeps it (its partition). */
extern uint32_t bolt_state;

/* The broker's port on the host, from the console (set before the network starts). */
extern uint16_t broker_port;

void network_main(void *p1, void *p2, void *p3);
/* The monitor's (supervisor) clean-up after the network thread ended. */
void network_release(void);
void controller_main(void *p1, void *p2, void *p3);
void actuator_main(void *p1, void *p2, void *p3);

#endif /* DOOR_H_ */
