/* The controller domain: serves the `door` interface (door.idl) to the network domain.
 * `authenticate` checks a credential against the PIN; `unlock` asks the actuator to open
 * the bolt (`bolt.open`). policy.lvp makes a successful authenticate's reply the Flow's
 * "authenticate" and the bolt.open request its "unlock" (at most 3 a minute), and lets
 * the network ask for an unlock only once the Flow is "authenticated": a refusal comes
 * back as the policy's errno. */
#include <errno.h>
#include <string.h>
#include <zephyr/kernel.h>
#include "door.h"

/* The door's PIN: the controller's secret, in its own partition. */
K_APP_DMEM(controller_part) static char door_pin[] = "482916";
K_APP_BMEM(controller_part) static uint32_t granted, refused;

/* Compare in time that does not depend on where the first difference is. */
static bool credential_matches(const char *pin)
{
	size_t expected = sizeof(door_pin) - 1;
	size_t length = strlen(pin); /* at most 8: the kernel checked the message */
	uint8_t difference = length != expected;

	for (size_t i = 0; i < expected; i++) {
		difference |= (uint8_t)(door_pin[i] ^ (i < length ? pin[i] : 0));
	}
	return difference == 0;
}

static int door_authenticate_method(void *context, const char *pin)
{
	ARG_UNUSED(context);
	if (!credential_matches(pin)) {
		refused++;
		printk("controller: credential refused (%d); %u granted, %u refused\n", -EACCES,
		       granted, refused);
		return -EACCES;
	}
	return 0; /* the reply is the Flow's "authenticate" */
}

static int door_unlock_method(void *context, uint16_t id)
{
	ARG_UNUSED(context);
	int result = bolt_open(&bolt_ep, id); /* the Flow's "unlock", limited */

	if (result == 0) {
		granted++;
	} else {
		refused++;
	}
	printk("controller: request %u: %s (%d); %u granted, %u refused\n", id,
	       result == 0 ? "unlock" : "refused", result, granted, refused);
	return result;
}

static const struct door_ops controller_ops = {
	.authenticate = door_authenticate_method,
	.unlock = door_unlock_method,
};

void controller_main(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);

	for (;;) {
		int result = door_serve_once(&door_ep, &controller_ops, NULL, K_FOREVER);

		if (result != 0) {
			printk("controller: serving failed: %d\n", result);
		}
	}
}
