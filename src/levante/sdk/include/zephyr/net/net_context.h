/*
 * A socket's kernel object (Zephyr's net_context, K_OBJ_NET_SOCKET): the runtime holds
 * CONFIG_NET_MAX_CONTEXTS of them in kernel memory; the kernel keeps each socket's state
 * and shows the descriptor that names it in `fd` (-1 while the slot is free). Zephyr's
 * internal endpoint API is not Levante's (applications use the socket API); the address
 * and interface types it brings are here.
 */
#ifndef ZEPHYR_INCLUDE_NET_NET_CONTEXT_H_
#define ZEPHYR_INCLUDE_NET_NET_CONTEXT_H_

#include <zephyr/net/net_ip.h>
#include <zephyr/net/net_if.h>

struct net_context {
	int fd;
	int reserved;
};

#endif /* ZEPHYR_INCLUDE_NET_NET_CONTEXT_H_ */
