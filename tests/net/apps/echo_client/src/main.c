/* An echo client: once NET_EVENT_L4_CONNECTED comes, it sends three messages over UDP
 * and TCP, IPv4 and IPv6, to port 4242 of its peer and checks each echo, waiting in
 * poll() on the socket beside an eventfd that a timer writes when a reply is late (as
 * Zephyr's echo_client wakes its poll loop); then it says how each transport went. */
#include <stdio.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/conn_mgr_monitor.h>
#include <zephyr/net/net_mgmt.h>
#include <zephyr/net/socket.h>
#include <zephyr/posix/sys/eventfd.h>

#define PORT 4242
#define MESSAGES 3

K_SEM_DEFINE(connected, 0, 1);
static struct net_mgmt_event_callback l4_callback;
static int late_fd;

static void on_l4_event(struct net_mgmt_event_callback *cb, uint32_t event,
			struct net_if *iface)
{
	if (event == NET_EVENT_L4_CONNECTED) {
		k_sem_give(&connected);
	}
}

static void reply_late(struct k_timer *timer)
{
	eventfd_write(late_fd, 1);
}

K_TIMER_DEFINE(late_timer, reply_late, NULL);

static int peer_socket(int family, int type)
{
	struct sockaddr_storage storage = { 0 };
	socklen_t length;
	int fd = socket(family, type, type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP);

	if (family == AF_INET) {
		struct sockaddr_in *peer = (struct sockaddr_in *)&storage;

		peer->sin_family = AF_INET;
		peer->sin_port = htons(PORT);
		inet_pton(AF_INET, CONFIG_NET_CONFIG_PEER_IPV4_ADDR, &peer->sin_addr);
		length = sizeof(*peer);
	} else {
		struct sockaddr_in6 *peer = (struct sockaddr_in6 *)&storage;

		peer->sin6_family = AF_INET6;
		peer->sin6_port = htons(PORT);
		inet_pton(AF_INET6, CONFIG_NET_CONFIG_PEER_IPV6_ADDR, &peer->sin6_addr);
		length = sizeof(*peer);
	}
	if (fd >= 0 && connect(fd, (struct sockaddr *)&storage, length) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One message and its echo; 0, or what went wrong. */
static const char *exchange(int fd, const char *message)
{
	struct pollfd entries[2] = { { .fd = fd, .events = POLLIN },
				     { .fd = late_fd, .events = POLLIN } };
	char reply[64];
	size_t length = strlen(message), got = 0;

	if (send(fd, message, length, 0) != (ssize_t)length) {
		return "send failed";
	}
	k_timer_start(&late_timer, K_SECONDS(3), K_NO_WAIT);
	while (got < length) {
		if (poll(entries, 2, -1) < 0) {
			return "poll failed";
		}
		if (entries[1].revents & POLLIN) {
			eventfd_t value;

			eventfd_read(late_fd, &value);
			return "no reply: the eventfd woke the poll";
		}
		ssize_t received = recv(fd, reply + got, sizeof(reply) - got, 0);

		if (received <= 0) {
			return "connection ended";
		}
		got += (size_t)received;
	}
	k_timer_stop(&late_timer);
	return memcmp(reply, message, length) == 0 ? NULL : "wrong echo";
}

static void run(const char *name, int family, int type)
{
	char message[32];
	const char *problem = NULL;
	int fd = peer_socket(family, type);

	if (fd < 0) {
		printk("echo-client: %s failed: connect (errno %d)\n", name, errno);
		return;
	}
	for (int index = 0; index < MESSAGES && problem == NULL; index++) {
		snprintf(message, sizeof(message), "%s message %d\n", name, index);
		problem = exchange(fd, message);
	}
	close(fd);
	if (problem != NULL) {
		printk("echo-client: %s failed: %s\n", name, problem);
	} else {
		printk("echo-client: %s ok (%d echoes)\n", name, MESSAGES);
	}
}

int main(void)
{
	net_mgmt_init_event_callback(&l4_callback, on_l4_event,
				     NET_EVENT_L4_CONNECTED | NET_EVENT_L4_DISCONNECTED);
	net_mgmt_add_event_callback(&l4_callback);
	conn_mgr_mon_resend_status();
	k_sem_take(&connected, K_FOREVER);
	late_fd = eventfd(0, 0);
	run("UDP4", AF_INET, SOCK_DGRAM);
	run("UDP6", AF_INET6, SOCK_DGRAM);
	run("TCP4", AF_INET, SOCK_STREAM);
	run("TCP6", AF_INET6, SOCK_STREAM);
	close(late_fd);
	printk("echo-client: done\n");
	return 0;
}
