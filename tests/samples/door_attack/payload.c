/* The attacker's code, for tests/samples/test_door_controller_attack.py: what an
 * exploit of the network domain's parser runs once it controls parser.forward. It stands
 * for a return-oriented chain or injected code: it runs in the network domain's thread,
 * in user mode, with exactly that domain's rights, and knows the firmware's symbols. The
 * test adds it to a copy of the sample; the request id in the crafted frame picks the
 * path it tries. Each path prints what the kernel answered. */
#include <string.h>
#include <zephyr/drivers/gpio.h>
#include <zephyr/kernel.h>
#include <zephyr/net/mqtt.h>
#include "door.h"

#define FLOOD 8

extern struct mqtt_client door_client;

/* Everything that does not end the thread: impersonate the controller, publish on a
 * topic that is not the network's, forge an unauthenticated unlock, flood the controller. */
static void try_returning_paths(void)
{
	struct door_request forged = { .id = 900, .op = DOOR_OP_UNLOCK, .credential_length = 6 };
	struct mqtt_publish_param open = {
		.message.topic = { .topic = MQTT_UTF8_LITERAL("door/lock/set") },
		.message.payload = { (uint8_t *)"open", 4 },
		.message_id = 77,
	};
	int granted = 0, refused = 0;

	printk("attack: rename to controller: %d\n",
	       k_thread_name_set(k_current_get(), "controller"));
	printk("attack: publish door/lock/set: %d\n", mqtt_publish(&door_client, &open));
	memcpy(forged.credential, "000000", 6);
	printk("attack: forged unlock: %d\n", k_msgq_put(&request_queue, &forged, K_NO_WAIT));
	for (int i = 0; i < FLOOD; i++) {
		forged.id = (uint16_t)(901 + i);
		if (k_msgq_put(&request_queue, &forged, K_NO_WAIT) == 0) {
			granted++;
		} else {
			refused++;
		}
	}
	printk("attack: flood: %d forwarded, %d refused\n", granted, refused);
}

void door_attack(const struct door_request *request)
{
	struct door_command command = { .id = request->id, .op = DOOR_OP_UNLOCK };

	printk("attack: path %u\n", request->id);
	switch (request->id) {
	case 1:
		try_returning_paths();
		break;
	case 2: /* drive the bolt's pin directly */
		printk("attack: gpio: %d\n",
		       gpio_port_set_bits_raw(DEVICE_DT_GET(DT_NODELABEL(gpio0)), BIT(0)));
		break;
	case 3: /* command the actuator as the controller does */
		printk("attack: unlock_queue: %d\n",
		       k_msgq_put(&unlock_queue, &command, K_NO_WAIT));
		break;
	case 4: /* give the actuator the controller's token */
		k_sem_give(&door_auth);
		printk("attack: door_auth given\n");
		break;
	case 5: /* write the actuator's memory */
		bolt_state = 1;
		printk("attack: bolt_state written\n");
		break;
	default:
		break;
	}
	printk("attack: path %u survived\n", request->id);
}

/* Nothing calls door_attack: the exploit reaches it by address. A record in an iterable
 * section (which the linker keeps) holds that address, so that the image keeps the code
 * as it keeps code an attacker would chain from. */
void (*const door_attack_address)(const struct door_request *)
	__attribute__((used, section("._door_attack_address.static.door_attack"))) = door_attack;
