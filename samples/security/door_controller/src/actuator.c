/* The actuator domain: owns the bolt (the board's led0) and the only GPIO rights. It
 * serves the `bolt` interface (door.idl) to the controller: `open` drives the bolt open,
 * and DOOR_HOLD_MS later the actuator closes it again; each move is reported on
 * status_queue. policy.lvp lets it open the bolt only while the Flow says "unlocked";
 * closing it is the Flow's "lock". */
#include <errno.h>
#include <zephyr/drivers/gpio.h>
#include <zephyr/kernel.h>
#include "door.h"

#define DOOR_HOLD_MS 500

static const struct gpio_dt_spec bolt = GPIO_DT_SPEC_GET(DT_ALIAS(led0), gpios);

K_APP_BMEM(actuator_part) uint32_t bolt_state;
/* The request whose bolt is open (0: none), for the close that follows. */
K_APP_BMEM(actuator_part) static uint32_t opened_for;

static void report(uint16_t id, int result)
{
	struct door_status status = { .id = id, .unlocked = (uint8_t)bolt_state,
				      .result = (int8_t)result };

	printk("actuator: request %u: bolt %s (%d)\n", id, bolt_state ? "open" : "closed",
	       result);
	(void)k_msgq_put(&status_queue, &status, K_NO_WAIT);
}

static int bolt_open_method(void *context, uint16_t id)
{
	ARG_UNUSED(context);
	int result = gpio_pin_set_raw(bolt.port, bolt.pin, 1);

	if (result != 0) {
		report(id, result);
		return result;
	}
	bolt_state = 1;
	opened_for = (uint32_t)id | 0x10000u; /* request ids may be 0 */
	report(id, 0);
	return 0;
}

static const struct bolt_ops actuator_ops = {
	.open = bolt_open_method,
};

void actuator_main(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	int result = gpio_pin_configure(bolt.port, bolt.pin, GPIO_OUTPUT_INACTIVE | bolt.dt_flags);

	printk("actuator: bolt on %s pin %u: %d\n", bolt.port->name, bolt.pin, result);
	for (;;) {
		result = bolt_serve_once(&bolt_ep, &actuator_ops, NULL, K_FOREVER);
		if (result != 0) {
			printk("actuator: serving failed: %d\n", result);
		}
		if (opened_for == 0) {
			continue;
		}
		uint16_t id = (uint16_t)opened_for;

		opened_for = 0;
		k_sleep(K_MSEC(DOOR_HOLD_MS));
		result = gpio_pin_set_raw(bolt.port, bolt.pin, 0);
		bolt_state = result == 0 ? 0 : bolt_state;
		report(id, result);
	}
}
