/*
 * A door lock served over typed IPC (docs/ipc.md).
 *
 * `lock` (a user thread) implements the interface of door.idl through the generated
 * dispatch; `client` (a more important user thread) calls it through the generated
 * stubs.  While the lock serves a call it runs at the client's priority.  Every message
 * is checked by the kernel against door.idl before delivery, and judged by policy.lvp.
 */
#include <zephyr/kernel.h>
#include <idl/door.h>

#define STACK_BYTES 2048
#define CLIENT_PRIORITY 3
#define LOCK_PRIORITY 6
#define SECRET_CODE 1234u

LEVANTE_IPC_ENDPOINT_DEFINE(door_ep, door);

/* ---- the lock's side ------------------------------------------------------------------ */

/* The lock's state lives on its own stack (a user thread reaches nothing else): the
 * dispatch hands it to each method as `context`. */
struct lock {
	enum mode state;
	uint16_t attempts;
};

static int lock_unlock(void *context, uint32_t code, const char *who, enum mode *state,
		       uint16_t *attempts)
{
	struct lock *lock = context;

	lock->attempts++;
	printk("lock: unlock by %s with code %u at priority %d\n", who, code,
	       k_thread_priority_get(k_current_get()));
	if (code != SECRET_CODE) {
		return -EINVAL;
	}
	lock->state = MODE_UNLOCKED;
	*state = lock->state;
	*attempts = lock->attempts;
	return 0;
}

static int lock_status(void *context, enum mode *state, struct climate *inside,
		       uint8_t log[8], size_t *log_len)
{
	struct lock *lock = context;

	*state = lock->state;
	inside->celsius = -4;
	inside->humidity = 61;
	log[0] = 0xAB;
	log[1] = (uint8_t)lock->attempts;
	*log_len = 2;
	return 0;
}

static int lock_lock(void *context, const char *who)
{
	struct lock *lock = context;

	printk("lock: locked by %s\n", who);
	lock->state = MODE_LOCKED;
	return 0;
}

static const struct door_ops lock_ops = {
	.unlock = lock_unlock,
	.status = lock_status,
	.lock = lock_lock,
};

static void lock_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	struct lock lock = { .state = MODE_LOCKED, .attempts = 0 };
	int served = 0;
	int result;

	while ((result = door_serve_once(&door_ep, &lock_ops, &lock, K_MSEC(100))) != -EAGAIN) {
		served++;
		if (result != 0) {
			printk("lock: answering failed: %d\n", result);
		}
	}
	printk("lock: served %d calls, priority back to %d\n", served,
	       k_thread_priority_get(k_current_get()));
}

/* ---- the client's side ---------------------------------------------------------------- */

static void client_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	enum mode state = MODE_LOCKED;
	uint16_t attempts = 0;
	struct climate inside = { 0 };
	uint8_t log[8] = { 0 };
	size_t log_len = 0;

	int result = door_unlock(&door_ep, 1111, "bob", &state, &attempts);

	printk("client: unlock as bob with a wrong code: %d\n", result);
	result = door_unlock(&door_ep, SECRET_CODE, "mallory", &state, &attempts);
	printk("client: unlock as mallory: %d\n", result);
	result = door_unlock(&door_ep, SECRET_CODE, "alice", &state, &attempts);
	printk("client: unlock as alice: %d, state %s, attempt %u\n", result,
	       state == MODE_UNLOCKED ? "unlocked" : "locked", attempts);
	result = door_status(&door_ep, &state, &inside, log, &log_len);
	printk("client: status: %d, %d C, %u%% humidity, log %u bytes %02x %02x\n", result,
	       inside.celsius, inside.humidity, (unsigned int)log_len, log[0], log[1]);
	result = door_lock(&door_ep, "client");
	printk("client: lock: %d\n", result);

	/* A request the stubs would never make: `who` says 200 bytes, the bound is 16. */
	uint8_t forged[LEVANTE_IPC_HEADER_SIZE + 4 + 2 + 200];
	uint8_t reply[DOOR_REPLY_MAX];
	struct levante_ipc_cursor c = { forged, sizeof(forged), 0, false };

	levante_ipc_put_header(&c, DOOR_INTERFACE_ID, DOOR_UNLOCK_METHOD, 0);
	levante_ipc_put(&c, SECRET_CODE, 4);
	levante_ipc_put(&c, 200, 2);
	memset(forged + c.at, 'A', 200);
	c.at += 200;
	int length = levante_ipc_finish(&c);

	result = levante_ipc_call(&door_ep, forged, (size_t)length, reply, sizeof(reply),
				  K_MSEC(50));
	printk("client: forged unlock: %d\n", result);
}

K_THREAD_DEFINE(lock, STACK_BYTES, lock_entry, NULL, NULL, NULL, LOCK_PRIORITY, K_USER, 0);
K_THREAD_DEFINE(client, STACK_BYTES, client_entry, NULL, NULL, NULL, CLIENT_PRIORITY, K_USER,
		10);
K_THREAD_ACCESS_GRANT(lock, &door_ep);
K_THREAD_ACCESS_GRANT(client, &door_ep);

int main(void)
{
	printk("door: interface %#x, the lock serves, the client calls\n", DOOR_INTERFACE_ID);
	return 0;
}
