/* Names through the user-mode gateway's DNS, which asks the host's resolver: localhost
 * (the gateway address that stands for the host's loopback) and a name nobody has, from
 * main and from a user thread, through getaddrinfo and through the resolver's system
 * call itself. */
#include <zephyr/kernel.h>
#include <zephyr/net/dns_resolve.h>
#include <zephyr/net/socket.h>

#define STACK_SIZE 1024

static K_THREAD_STACK_DEFINE(user_stack, STACK_SIZE);
static struct k_thread user_thread;

static void show(const char *name, int family)
{
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *result = NULL;
	char text[INET6_ADDRSTRLEN];
	int status = getaddrinfo(name, "7", &hints, &result);

	if (status != 0) {
		printk("getaddrinfo %s: %d (%s)\n", name, status, gai_strerror(status));
		return;
	}
	for (struct addrinfo *info = result; info != NULL; info = info->ai_next) {
		const void *address = info->ai_family == AF_INET
			? (const void *)&net_sin(info->ai_addr)->sin_addr
			: (const void *)&net_sin6(info->ai_addr)->sin6_addr;

		printk("getaddrinfo %s: %s port %u\n", name,
		       inet_ntop(info->ai_family, address, text, sizeof(text)),
		       ntohs(net_sin(info->ai_addr)->sin_port));
	}
	freeaddrinfo(result);
}

static void resolve_as_user(void *p1, void *p2, void *p3)
{
	show("localhost", AF_INET);
	struct z_levante_dns_address found[2];
	int count = z_levante_dns_resolve("localhost", AF_INET, found, 2, K_SECONDS(2));

	printk("user localhost: %d", count);
	for (int index = 0; index < count; index++) {
		printk(" %u.%u.%u.%u", found[index].address[0], found[index].address[1],
		       found[index].address[2], found[index].address[3]);
	}
	printk("\n");
	printk("user nothing.invalid: %d\n",
	       z_levante_dns_resolve("nothing.invalid", AF_INET, found, 2, K_SECONDS(2)));
}

int main(void)
{
	show("localhost", AF_INET);
	show("nothing.invalid", AF_UNSPEC);
	k_thread_create(&user_thread, user_stack, STACK_SIZE, resolve_as_user, NULL, NULL, NULL,
			K_PRIO_PREEMPT(1), K_USER, K_NO_WAIT);
	k_thread_join(&user_thread, K_FOREVER);
	printk("done\n");
	return 0;
}
