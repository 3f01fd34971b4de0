/*
 * A semaphore's handle lent over typed IPC between user threads of two security
 * domains (docs/ipc.md, "Handles in messages"; domains.toml, policy.lvp).
 *
 * `client` (domain lender) has Zephyr's permission on `bell` and makes handles to it;
 * `keeper` and `prober` (domain keeper) have none, so only a handle their domain holds
 * lets them use it.  keys.idl's `lend` carries a `handle<signal>`: the keeper's copy
 * holds SIGNAL only, whatever the client's handle held beside it.
 */
#include <zephyr/kernel.h>
#include <levante/domain.h>
#include <levante/handle.h>
#include <idl/keys.h>

#define STACK_BYTES 2048
#define CLIENT_PRIORITY 3
#define KEEPER_PRIORITY 5
#define PROBER_PRIORITY 7

#define R_SIGNAL LEVANTE_RIGHT_SIGNAL
#define R_WAIT LEVANTE_RIGHT_WAIT
#define R_TRANSFER LEVANTE_RIGHT_TRANSFER
#define R_DUPLICATE LEVANTE_RIGHT_DUPLICATE

LEVANTE_IPC_ENDPOINT_DEFINE(keys_ep, keys);
K_SEM_DEFINE(bell, 0, 5);
K_SEM_DEFINE(go, 0, 1);

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	char name[LEVANTE_DOMAIN_NAME_LEN] = "";

	levante_domain_name_get(NULL, name, sizeof(name));
	printk("FATAL %u in domain %s\n", reason, name);
}

/* ---- the keeper's side ---------------------------------------------------------------- */

struct keeper {
	levante_handle_t lent; /* LEVANTE_HANDLE_NONE: none yet */
};

static int keeper_lend(void *context, levante_handle_t handle, uint32_t *rights)
{
	struct keeper *keeper = context;
	struct levante_handle_info info = { 0 };
	int result = levante_handle_info(handle, &info);

	if (result != 0) {
		return result;
	}
	keeper->lent = handle;
	*rights = info.rights;
	k_sem_give(&bell); /* allowed: the domain's handle holds SIGNAL */
	printk("keeper: gave the bell through a handle with rights %u\n", info.rights);
	return 0;
}

static int keeper_pair(void *context, levante_handle_t a, levante_handle_t b)
{
	ARG_UNUSED(context);
	bool both = a != LEVANTE_HANDLE_NONE && b != LEVANTE_HANDLE_NONE;

	printk("keeper: pair %s\n", both ? "received" : "empty");
	return 0;
}

static int keeper_check(void *context, int32_t *found)
{
	struct keeper *keeper = context;
	struct levante_handle_info info = { 0 };

	*found = levante_handle_info(keeper->lent, &info);
	return 0;
}

static const struct keys_ops keeper_ops = {
	.lend = keeper_lend,
	.pair = keeper_pair,
	.check = keeper_check,
};

static void keeper_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	struct keeper keeper = { .lent = LEVANTE_HANDLE_NONE };
	int served = 0;

	while (keys_serve_once(&keys_ep, &keeper_ops, &keeper, K_MSEC(200)) != -EAGAIN) {
		served++;
	}
	printk("keeper: served %d calls\n", served);
}

/* A thread of the keeper's domain that was lent nothing itself: the domain's handle
 * lets it give, and the take (which needs WAIT) is a fatal error. */
static void prober_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	k_sem_take(&go, K_FOREVER);
	k_sem_give(&bell);
	printk("prober: gave the bell\n");
	int result = k_sem_take(&bell, K_NO_WAIT);

	printk("prober: took the bell: %d\n", result);
}

/* ---- the client's side ---------------------------------------------------------------- */

static void client_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	struct levante_handle_info info = { 0 };
	uint32_t rights = 0;
	int32_t found = 0;
	int root = levante_handle_create(&bell, R_SIGNAL | R_WAIT | R_TRANSFER | R_DUPLICATE);

	printk("client: root %s\n", root > 0 ? "made" : "refused");
	/* The policy keeps a handle that holds WAIT at home. */
	int result = keys_lend(&keys_ep, (uint32_t)root, &rights);

	printk("client: lend the root: %d, root kept: %d\n", result,
	       levante_handle_info((uint32_t)root, &info));

	int child = levante_handle_duplicate((uint32_t)root, R_SIGNAL | R_TRANSFER);

	result = keys_lend(&keys_ep, (uint32_t)child, &rights);
	printk("client: lend a signal copy: %d, the keeper holds rights %u\n", result, rights);
	printk("client: the lent value here: %d\n", levante_handle_info((uint32_t)child, &info));
	printk("client: the keeper's ring: %d\n", k_sem_take(&bell, K_MSEC(100)));
	k_sem_give(&go);
	printk("client: the prober's ring: %d\n", k_sem_take(&bell, K_MSEC(100)));

	/* Two handles, the second without TRANSFER: neither moves. */
	int first = levante_handle_duplicate((uint32_t)root, R_SIGNAL | R_TRANSFER);
	int second = levante_handle_duplicate((uint32_t)root, R_SIGNAL);

	result = keys_pair(&keys_ep, (uint32_t)first, (uint32_t)second);
	printk("client: pair with a second handle that may not move: %d, first kept: %d\n",
	       result, levante_handle_info((uint32_t)first, &info));

	printk("client: revoked: %d\n", levante_handle_revoke((uint32_t)root));
	result = keys_check(&keys_ep, &found);
	printk("client: the keeper's copy after the revoke: %d (%d)\n", found, result);
}

K_THREAD_DEFINE(keeper, STACK_BYTES, keeper_entry, NULL, NULL, NULL, KEEPER_PRIORITY, K_USER,
		0);
K_THREAD_DEFINE(prober, STACK_BYTES, prober_entry, NULL, NULL, NULL, PROBER_PRIORITY, K_USER,
		0);
K_THREAD_DEFINE(client, STACK_BYTES, client_entry, NULL, NULL, NULL, CLIENT_PRIORITY, K_USER,
		10);
K_THREAD_ACCESS_GRANT(keeper, &keys_ep);
K_THREAD_ACCESS_GRANT(prober, &go);
K_THREAD_ACCESS_GRANT(client, &keys_ep, &bell, &go);

int main(void)
{
	printk("ipc_handles: interface %#x\n", KEYS_INTERFACE_ID);
	return 0;
}
