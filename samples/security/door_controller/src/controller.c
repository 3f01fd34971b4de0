/* The controller domain: checks each request's credential and, for a good one, opens the
 * door by giving the actuator the token (door_auth) and an unlock command. policy.lvp
 * makes those two calls the Flow's "authenticate" and "unlock" transitions, and limits
 * unlocks per minute: a refused unlock comes back as the policy's errno. */
#include <errno.h>
#include <string.h>
#include <zephyr/kernel.h>
#include "door.h"

/* The door's PIN: the controller's secret, in its own partition. */
K_APP_DMEM(controller_part) static char door_pin[] = "482916";
K_APP_BMEM(controller_part) static uint32_t granted, refused;

/* Compare in time that does not depend on where the first difference is. */
static bool credential_matches(const struct door_request *request)
{
	size_t expected = sizeof(door_pin) - 1;
	uint8_t difference = request->credential_length != expected;

	for (size_t i = 0; i < expected; i++) {
		difference |= (uint8_t)(door_pin[i] ^ request->credential[i]);
	}
	return difference == 0;
}

static int unlock(const struct door_request *request)
{
	struct door_command command = { .id = request->id, .op = DOOR_OP_UNLOCK };

	k_sem_give(&door_auth); /* the Flow: locked -> authenticated */
	return k_msgq_put(&unlock_queue, &command, K_NO_WAIT); /* authenticated -> unlocked */
}

void controller_main(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);

	for (;;) {
		struct door_request request;
		struct door_reply reply;

		if (k_msgq_get(&request_queue, &request, K_FOREVER) != 0) {
			continue;
		}
		reply.id = request.id;
		if (request.op != DOOR_OP_UNLOCK) {
			reply.result = -EINVAL;
		} else if (!credential_matches(&request)) {
			reply.result = -EACCES;
		} else {
			reply.result = (int16_t)unlock(&request);
		}
		if (reply.result == 0) {
			granted++;
		} else {
			refused++;
		}
		printk("controller: request %u: %s (%d); %u granted, %u refused\n", reply.id,
		       reply.result == 0 ? "unlock" : "refused", reply.result, granted, refused);
		(void)k_pipe_write(&reply_pipe, (const uint8_t *)&reply, sizeof(reply), K_NO_WAIT);
	}
}
