/* One page over HTTP on port 8080, a connection at a time: read the request's head,
 * answer 200 with the page, close. A failed accept waits a tenth of a second (usleep)
 * and tries again, as servers that must not spin do. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>

LOG_MODULE_REGISTER(http_page, LOG_LEVEL_INF);

#define PORT 8080

static const char page[] = {
#include "page.html.inc"
};

static const char head[] = "HTTP/1.0 200 OK\r\n"
			   "Content-Type: text/html; charset=utf-8\r\n"
			   "Connection: close\r\n\r\n";

/* Everything of `length` bytes, however the stack cuts it; false if the peer went. */
static bool send_all(int peer, const char *data, size_t length)
{
	while (length > 0) {
		ssize_t sent = send(peer, data, length, 0);

		if (sent < 0) {
			return false;
		}
		data += sent;
		length -= (size_t)sent;
	}
	return true;
}

/* Reads until the blank line ending the request's head (or the peer stops sending). */
static bool read_request_head(int peer)
{
	char buffer[256];
	char tail[4] = {0};

	for (;;) {
		ssize_t got = recv(peer, buffer, sizeof(buffer), 0);

		if (got <= 0) {
			return false;
		}
		for (ssize_t i = 0; i < got; i++) {
			memmove(tail, tail + 1, 3);
			tail[3] = buffer[i];
			if (memcmp(tail, "\r\n\r\n", 4) == 0) {
				return true;
			}
		}
	}
}

int main(void)
{
	struct sockaddr_in address = {
		.sin_family = AF_INET,
		.sin_port = htons(PORT),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int server = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

	if (server < 0 || bind(server, (struct sockaddr *)&address, sizeof(address)) < 0 ||
	    listen(server, 2) < 0) {
		LOG_ERR("cannot serve port %d: errno %d", PORT, errno);
		return 1;
	}
	LOG_INF("serving %u bytes on port %d", (unsigned)sizeof(page), PORT);
	for (int served = 0;; served++) {
		struct sockaddr_in client;
		socklen_t client_length = sizeof(client);
		int peer = accept(server, (struct sockaddr *)&client, &client_length);

		if (peer < 0) {
			LOG_WRN("accept: errno %d", errno);
			(void)usleep(100000);
			continue;
		}
		if (read_request_head(peer) && send_all(peer, head, strlen(head)) &&
		    send_all(peer, page, sizeof(page))) {
			LOG_INF("page %d sent", served);
		}
		close(peer);
	}
}
