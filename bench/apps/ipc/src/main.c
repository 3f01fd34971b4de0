/* A user->user round trip, N times: through an IPC call (the generated stub and
 * dispatch), or the same exchange through a pair of message queues, the reference.  The
 * harness writes bench_work before the system runs, so both run one image. */
#include <zephyr/kernel.h>
#include <idl/ping.h>

#define ROUND_TRIPS 5000
#define STACK_SIZE 2048
#define CLIENT_PRIORITY 5
#define SERVER_PRIORITY 6

enum bench_work { IPC_CALLS, MSGQ_PAIR };

volatile uint32_t bench_work;

LEVANTE_IPC_ENDPOINT_DEFINE(ping_ep, ping);
K_MSGQ_DEFINE(requests, sizeof(uint32_t), 1, 4);
K_MSGQ_DEFINE(replies, sizeof(uint32_t), 1, 4);
K_THREAD_STACK_DEFINE(client_stack, STACK_SIZE);
K_THREAD_STACK_DEFINE(server_stack, STACK_SIZE);
struct k_thread client_thread;
struct k_thread server_thread;

static int echo(void *context, uint32_t value, uint32_t *doubled)
{
	ARG_UNUSED(context);
	*doubled = value * 2;
	return 0;
}

static const struct ping_ops ops = { .echo = echo };

static void ipc_server(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (int i = 0; i < ROUND_TRIPS; i++) {
		ping_serve_once(&ping_ep, &ops, NULL, K_FOREVER);
	}
}

static void ipc_client(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	uint32_t doubled = 0;

	for (uint32_t i = 0; i < ROUND_TRIPS; i++) {
		if (ping_echo(&ping_ep, i, &doubled) != 0 || doubled != 2 * i) {
			k_oops();
		}
	}
}

static void msgq_server(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	uint32_t value = 0;

	for (int i = 0; i < ROUND_TRIPS; i++) {
		k_msgq_get(&requests, &value, K_FOREVER);
		value *= 2;
		k_msgq_put(&replies, &value, K_FOREVER);
	}
}

static void msgq_client(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	uint32_t doubled = 0;

	for (uint32_t i = 0; i < ROUND_TRIPS; i++) {
		k_msgq_put(&requests, &i, K_FOREVER);
		k_msgq_get(&replies, &doubled, K_FOREVER);
		if (doubled != 2 * i) {
			k_oops();
		}
	}
}

int main(void)
{
	bool ipc = bench_work == IPC_CALLS;

	k_thread_create(&server_thread, server_stack, STACK_SIZE, ipc ? ipc_server : msgq_server,
			NULL, NULL, NULL, SERVER_PRIORITY, K_USER, K_FOREVER);
	k_thread_create(&client_thread, client_stack, STACK_SIZE, ipc ? ipc_client : msgq_client,
			NULL, NULL, NULL, CLIENT_PRIORITY, K_USER, K_FOREVER);
	k_thread_access_grant(&server_thread, &ping_ep, &requests, &replies);
	k_thread_access_grant(&client_thread, &ping_ep, &requests, &replies);
	k_thread_start(&server_thread);
	k_thread_start(&client_thread);
	return 0;
}
