/* The door controller's message formats outside typed IPC: the frame a client publishes
 * on DOOR_TOPIC_COMMAND, the request the network domain decodes from it, and the
 * actuator's reports to the network (struct door_status, on status_queue). The requests
 * between the domains are typed IPC, declared in ../door.idl. */
#ifndef DOOR_PROTOCOL_H_
#define DOOR_PROTOCOL_H_

#include <stdint.h>

#define DOOR_TOPIC_COMMAND "door/cmd"  /* requests, from clients to the device */
#define DOOR_TOPIC_REPLY "door/reply"  /* the controller's verdict on each request */
#define DOOR_TOPIC_STATUS "door/status" /* the bolt's state, from the actuator */

/* A request frame (the payload of a message on DOOR_TOPIC_COMMAND):
 *   byte 0      DOOR_MAGIC
 *   byte 1      operation (DOOR_OP_*)
 *   bytes 2..3  request id, little-endian (echoed in the reply)
 *   byte 4      credential length
 *   bytes 5..   the credential (the PIN, as ASCII digits)
 */
#define DOOR_MAGIC 0xD0
#define DOOR_FRAME_HEADER 5
#define DOOR_FRAME_MAX 128     /* the largest frame the network domain reads */
#define DOOR_CREDENTIAL_MAX 16 /* the largest credential a request carries */

enum door_operation {
	DOOR_OP_UNLOCK = 1,
};

/* A decoded request frame (the network domain's own record). */
struct door_request {
	uint16_t id;
	uint8_t op;
	uint8_t credential_length;
	char credential[DOOR_CREDENTIAL_MAX];
};

/* actuator -> network: the bolt moved (or refused to). */
struct door_status {
	uint16_t id;
	uint8_t unlocked;
	int8_t result;
};

#endif /* DOOR_PROTOCOL_H_ */
