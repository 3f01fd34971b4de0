/* An echo server on port 4242 over UDP and TCP, IPv4 and IPv6, started by the connection
 * manager's NET_EVENT_L4_CONNECTED. One thread (a user thread in an application memory
 * domain with CONFIG_USERSPACE) polls the four sockets, an accepted connection and an
 * eventfd; a datagram "stop" makes a second thread write the eventfd, which ends the
 * poll loop: the server closes everything and says so. With overlay-tls.conf the TCP
 * sockets are TLS 1.2 and the UDP ones DTLS 1.2 servers, with the certificate and key
 * given at build time (never committed). */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/conn_mgr_monitor.h>
#include <zephyr/net/net_mgmt.h>
#include <zephyr/net/socket.h>
#include <zephyr/posix/sys/eventfd.h>

#if defined(CONFIG_NET_SOCKETS_SOCKOPT_TLS)
#include <zephyr/net/tls_credentials.h>
#define SERVER_TAG 1
static const unsigned char server_certificate[] = {
#include "server_certificate.inc"
};
static const unsigned char server_key[] = {
#include "server_key.inc"
};
#endif

#define PORT 4242
#define STACK_SIZE 2048

#if defined(CONFIG_USERSPACE)
#include <zephyr/app_memory/app_memdomain.h>
#include <zephyr/sys/libc-hooks.h>
K_APPMEM_PARTITION_DEFINE(app_partition);
static struct k_mem_domain app_domain;
#define APP_BMEM K_APP_BMEM(app_partition)
#define APP_DMEM K_APP_DMEM(app_partition)
#define SERVER_OPTIONS (K_USER | K_INHERIT_PERMS)
#else
#define APP_BMEM
#define APP_DMEM
#define SERVER_OPTIONS 0
#endif

enum { UDP4, UDP6, TCP4, TCP6, STOP, CLIENT, ENTRIES };

K_SEM_DEFINE(connected, 0, 1);
K_SEM_DEFINE(stop_asked, 0, 1);
static struct net_mgmt_event_callback l4_callback;
static K_THREAD_STACK_DEFINE(server_stack, STACK_SIZE);
static K_THREAD_STACK_DEFINE(stopper_stack, 1024);
static struct k_thread server_thread, stopper_thread;
APP_DMEM static int stop_fd = -1;
APP_BMEM static struct pollfd entries[ENTRIES];
APP_BMEM static char buffer[1280];

static void on_l4_event(struct net_mgmt_event_callback *cb, uint32_t event,
			struct net_if *iface)
{
	if (event == NET_EVENT_L4_CONNECTED) {
		printk("echo: network connected\n");
		k_sem_give(&connected);
	} else if (event == NET_EVENT_L4_DISCONNECTED) {
		printk("echo: network disconnected\n");
	}
}

static int bound_socket(int family, int type)
{
	struct sockaddr_storage storage = { 0 };
	socklen_t length;
#if defined(CONFIG_NET_SOCKETS_SOCKOPT_TLS)
	sec_tag_t tags[] = { SERVER_TAG };
	int role = TLS_DTLS_ROLE_SERVER;
	int fd = socket(family, type, type == SOCK_STREAM ? IPPROTO_TLS_1_2 : IPPROTO_DTLS_1_2);

	if (fd >= 0 && (setsockopt(fd, SOL_TLS, TLS_SEC_TAG_LIST, tags, sizeof(tags)) < 0 ||
			(type == SOCK_DGRAM &&
			 setsockopt(fd, SOL_TLS, TLS_DTLS_ROLE, &role, sizeof(role)) < 0))) {
		printk("echo: TLS options refused: %d\n", errno);
	}
#else
	int fd = socket(family, type, type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP);
#endif

	if (family == AF_INET) {
		struct sockaddr_in *address = (struct sockaddr_in *)&storage;

		address->sin_family = AF_INET;
		address->sin_port = htons(PORT);
		length = sizeof(*address);
	} else {
		struct sockaddr_in6 *address = (struct sockaddr_in6 *)&storage;

		address->sin6_family = AF_INET6;
		address->sin6_port = htons(PORT);
		length = sizeof(*address);
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&storage, length) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 2) < 0)) {
		printk("echo: socket %d/%d failed: %d\n", family, type, errno);
	}
	return fd;
}

static void echo_datagram(int fd)
{
	struct sockaddr_storage source;
	socklen_t length = sizeof(source);
	ssize_t received = recvfrom(fd, buffer, sizeof(buffer), 0, (struct sockaddr *)&source,
				    &length);

	if (received == 4 && memcmp(buffer, "stop", 4) == 0) {
		k_sem_give(&stop_asked);
		return;
	}
	if (received > 0) {
		/* A DTLS server's socket has one peer, its client: send() answers it. */
		if (IS_ENABLED(CONFIG_NET_SOCKETS_SOCKOPT_TLS)) {
			send(fd, buffer, (size_t)received, 0);
		} else {
			sendto(fd, buffer, (size_t)received, 0, (struct sockaddr *)&source,
			       length);
		}
		printk("echo: UDP %s %d bytes\n", fd == entries[UDP4].fd ? "IPv4" : "IPv6",
		       (int)received);
	}
}

static void serve_connection(void)
{
	ssize_t received = recv(entries[CLIENT].fd, buffer, sizeof(buffer), 0);

	if (received <= 0) {
		close(entries[CLIENT].fd);
		entries[CLIENT].fd = -1;
		printk("echo: TCP connection closed\n");
		return;
	}
	for (ssize_t sent = 0; sent < received;) {
		ssize_t out = send(entries[CLIENT].fd, buffer + sent, (size_t)(received - sent), 0);

		if (out < 0) {
			break;
		}
		sent += out;
	}
}

static void serve(void *p1, void *p2, void *p3)
{
	int families[] = { AF_INET, AF_INET6, AF_INET, AF_INET6 };
	int types[] = { SOCK_DGRAM, SOCK_DGRAM, SOCK_STREAM, SOCK_STREAM };

	for (int index = UDP4; index <= TCP6; index++) {
		entries[index] = (struct pollfd){ .fd = bound_socket(families[index],
								       types[index]),
						  .events = POLLIN };
	}
	entries[STOP] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
	entries[CLIENT] = (struct pollfd){ .fd = -1, .events = POLLIN };
	printk("echo: serving port %d (%s)\n", PORT,
	       k_is_user_context() ? "user thread" : "supervisor thread");
	for (;;) {
		if (poll(entries, ENTRIES, -1) < 0) {
			printk("echo: poll failed: %d\n", errno);
			return;
		}
		if (entries[STOP].revents & POLLIN) {
			eventfd_t value;

			eventfd_read(stop_fd, &value);
			printk("echo: the eventfd woke the poll loop (%u)\n", (unsigned int)value);
			break;
		}
		for (int index = UDP4; index <= UDP6; index++) {
			if (entries[index].revents & POLLIN) {
				echo_datagram(entries[index].fd);
			}
		}
		for (int index = TCP4; index <= TCP6; index++) {
			if ((entries[index].revents & POLLIN) && entries[CLIENT].fd < 0) {
				entries[CLIENT].fd = accept(entries[index].fd, NULL, NULL);
				printk("echo: TCP %s connection accepted\n",
				       index == TCP4 ? "IPv4" : "IPv6");
			}
		}
		if (entries[CLIENT].fd >= 0 && (entries[CLIENT].revents & (POLLIN | POLLHUP))) {
			serve_connection();
		}
	}
	for (int index = 0; index < ENTRIES; index++) {
		if (entries[index].fd >= 0) {
			close(entries[index].fd);
		}
	}
	printk("echo: stopped\n");
}

/* Another thread's write is what ends the poll loop: the eventfd was granted to it. */
static void stop(void *p1, void *p2, void *p3)
{
	k_sem_take(&stop_asked, K_FOREVER);
	if (eventfd_write(stop_fd, 1) != 0) {
		printk("echo: eventfd_write failed: %d\n", errno);
	}
}

int main(void)
{
#if defined(CONFIG_NET_SOCKETS_SOCKOPT_TLS)
	if (tls_credential_add(SERVER_TAG, TLS_CREDENTIAL_SERVER_CERTIFICATE, server_certificate,
			       sizeof(server_certificate)) < 0 ||
	    tls_credential_add(SERVER_TAG, TLS_CREDENTIAL_PRIVATE_KEY, server_key,
			       sizeof(server_key)) < 0) {
		printk("echo: credentials refused: %d\n", errno);
	}
#endif
	net_mgmt_init_event_callback(&l4_callback, on_l4_event,
				     NET_EVENT_L4_CONNECTED | NET_EVENT_L4_DISCONNECTED);
	net_mgmt_add_event_callback(&l4_callback);
	conn_mgr_mon_resend_status();
	k_sem_take(&connected, K_FOREVER);

	stop_fd = eventfd(0, 0);
	k_thread_create(&server_thread, server_stack, STACK_SIZE, serve, NULL, NULL, NULL,
			K_PRIO_PREEMPT(8), SERVER_OPTIONS, K_FOREVER);
	k_thread_create(&stopper_thread, stopper_stack, 1024, stop, NULL, NULL, NULL,
			K_PRIO_PREEMPT(8), SERVER_OPTIONS, K_FOREVER);
#if defined(CONFIG_USERSPACE)
	struct k_mem_partition *parts[] = { &z_libc_partition, &app_partition };

	k_mem_domain_init(&app_domain, ARRAY_SIZE(parts), parts);
	k_mem_domain_add_thread(&app_domain, &server_thread);
	k_mem_domain_add_thread(&app_domain, &stopper_thread);
	k_object_access_grant(zsock_get_context_object(stop_fd), &server_thread);
	k_object_access_grant(zsock_get_context_object(stop_fd), &stopper_thread);
	k_object_access_grant(&stop_asked, &server_thread);
	k_object_access_grant(&stop_asked, &stopper_thread);
#endif
	k_thread_start(&server_thread);
	k_thread_start(&stopper_thread);
	k_thread_join(&server_thread, K_FOREVER);
	return 0;
}
