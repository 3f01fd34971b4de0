/* The actuator domain: owns the bolt (the board's led0) and the only GPIO rights. For
 * each unlock command it takes the controller's token, drives the bolt open for
 * DOOR_HOLD_MS, closes it again and reports each move on status_queue. policy.lvp lets
 * it open the bolt only while the Flow says "unlocked"; closing it is the Flow's "lock". */
#include <errno.h>
#include <zephyr/drivers/gpio.h>
#include <zephyr/kernel.h>
#include "door.h"

#define DOOR_HOLD_MS 500

static const struct gpio_dt_spec bolt = GPIO_DT_SPEC_GET(DT_ALIAS(led0), gpios);

K_APP_BMEM(actuator_part) uint32_t bolt_state;

static void report(uint16_t id, int result)
{
	struct door_status status = { .id = id, .unlocked = (uint8_t)bolt_state,
				      .result = (int8_t)result };

	printk("actuator: request %u: bolt %s (%d)\n", id, bolt_state ? "open" : "closed",
	       result);
	(void)k_msgq_put(&status_queue, &status, K_NO_WAIT);
}

void actuator_main(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	int result = gpio_pin_configure(bolt.port, bolt.pin, GPIO_OUTPUT_INACTIVE | bolt.dt_flags);

	printk("actuator: bolt on %s pin %u: %d\n", bolt.port->name, bolt.pin, result);
	for (;;) {
		struct door_command command;

		if (k_msgq_get(&unlock_queue, &command, K_FOREVER) != 0) {
			continue;
		}
		/* Defence in depth: no unlock without the controller's token. */
		result = k_sem_take(&door_auth, K_NO_WAIT);
		if (result == 0) {
			result = gpio_pin_set_raw(bolt.port, bolt.pin, 1);
		}
		if (result != 0) {
			report(command.id, result);
			continue;
		}
		bolt_state = 1;
		report(command.id, 0);
		k_sleep(K_MSEC(DOOR_HOLD_MS));
		result = gpio_pin_set_raw(bolt.port, bolt.pin, 0);
		bolt_state = result == 0 ? 0 : bolt_state;
		report(command.id, result);
	}
}
