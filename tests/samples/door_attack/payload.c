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
#define FORGED_PIN_LENGTH 200 /* door.idl's bound is 8 */

extern struct mqtt_client door_client;

/* A request the stubs would never make: authenticate's `pin` says 200 bytes. */
static int forge_malformed(void)
{
	uint8_t forged[LEVANTE_IPC_HEADER_SIZE + 2 + FORGED_PIN_LENGTH];
	uint8_t reply[DOOR_REPLY_MAX];
	struct levante_ipc_cursor c = { forged, sizeof(forged), 0, false };

	levante_ipc_put_header(&c, DOOR_INTERFACE_ID, DOOR_AUTHENTICATE_METHOD, 0);
	levante_ipc_put(&c, FORGED_PIN_LENGTH, 2);
	memset(forged + c.at, '4', FORGED_PIN_LENGTH);
	c.at += FORGED_PIN_LENGTH;
	int length = levante_ipc_finish(&c);

	return levante_ipc_call(&door_ep, forged, (size_t)length, reply, sizeof(reply),
				K_MSEC(50));
}

/* Everything that does not end the thread: take the controller's name and then its
 * place as the door's server, publish on a topic that is not the network's, forge a
 * credential, ask for an unlock out of the Flow's order, send a malformed message,
 * flood the controller. */
static void try_returning_paths(void)
{
	struct mqtt_publish_param open = {
		.message.topic = { .topic = MQTT_UTF8_LITERAL("door/lock/set") },
		.message.payload = { (uint8_t *)"open", 4 },
		.message_id = 77,
	};
	uint8_t stolen[DOOR_REQUEST_MAX];
	uint32_t token = 0;
	int granted = 0, refused = 0;

	printk("attack: rename to controller: %d\n",
	       k_thread_name_set(k_current_get(), "controller"));
	printk("attack: serve door as controller: %d\n",
	       levante_ipc_receive(&door_ep, stolen, sizeof(stolen), &token, K_NO_WAIT));
	printk("attack: publish door/lock/set: %d\n", mqtt_publish(&door_client, &open));
	printk("attack: forged credential: %d\n", door_authenticate(&door_ep, "000000"));
	printk("attack: unlock out of order: %d\n", door_unlock(&door_ep, 900));
	printk("attack: malformed authenticate: %d\n", forge_malformed());
	for (int i = 0; i < FLOOD; i++) {
		if (door_authenticate(&door_ep, "111111") == -EACCES) {
			granted++; /* it reached the controller, which refused the credential */
		} else {
			refused++;
		}
	}
	printk("attack: flood: %d forwarded, %d refused\n", granted, refused);
}

void door_attack(const struct door_request *request)
{
	printk("attack: path %u\n", request->id);
	switch (request->id) {
	case 1:
		try_returning_paths();
		break;
	case 2: /* drive the bolt's pin directly */
		printk("attack: gpio: %d\n",
		       gpio_port_set_bits_raw(DEVICE_DT_GET(DT_NODELABEL(gpio0)), BIT(0)));
		break;
	case 3: /* call the actuator's endpoint as the controller does, under its name */
		(void)k_thread_name_set(k_current_get(), "controller");
		printk("attack: bolt.open: %d\n", bolt_open(&bolt_ep, request->id));
		break;
	case 4: /* write the actuator's memory */
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
