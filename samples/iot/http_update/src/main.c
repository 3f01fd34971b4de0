/* An update downloaded over HTTP, as Zephyr's DFU samples do it: GET the signed image
 * from CONFIG_HTTP_UPDATE_HOST:CONFIG_HTTP_UPDATE_PORT, write it into the secondary slot
 * with flash_img, request a test swap and reboot. The image the boot stage swaps in
 * confirms itself. Whether an image may boot (its signature, its version, its security
 * counter) is the boot stage's decision alone: this program only refuses what is plainly
 * not a whole download. It tries once per power-on (../common/update_attempt.c). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/dfu/flash_img.h>
#include <zephyr/net/socket.h>

#include "update_attempt.h"

#define HEADER_LIMIT 1024 /* bytes of response head accepted before the body */

static struct flash_img_context image;
static uint8_t offered[UPDATE_IMAGE_HEADER_BYTES]; /* the start of the image downloaded */
static char head[HEADER_LIMIT + 1];
/* Body bytes; as large as the head, which may hold that many of them. */
static uint8_t chunk[HEADER_LIMIT];

static int connect_to_server(void)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
	struct addrinfo *found = NULL;
	char port[8];
	int sock;
	int status;

	snprintf(port, sizeof(port), "%d", CONFIG_HTTP_UPDATE_PORT);
	status = getaddrinfo(CONFIG_HTTP_UPDATE_HOST, port, &hints, &found);
	if (status != 0) {
		printk("http_update: cannot resolve %s: %d\n", CONFIG_HTTP_UPDATE_HOST, status);
		return -EHOSTUNREACH;
	}
	sock = socket(found->ai_family, SOCK_STREAM, IPPROTO_TCP);
	if (sock < 0) {
		freeaddrinfo(found);
		return -errno;
	}
	status = connect(sock, found->ai_addr, found->ai_addrlen);
	freeaddrinfo(found);
	if (status < 0) {
		status = -errno;
		close(sock);
		return status;
	}
	return sock;
}

static int send_all(int sock, const char *data, size_t length)
{
	while (length > 0) {
		ssize_t sent = send(sock, data, length, 0);

		if (sent <= 0) {
			return sent < 0 ? -errno : -EIO;
		}
		data += sent;
		length -= (size_t)sent;
	}
	return 0;
}

/* Header names are case-insensitive (RFC 9110 §5.1). */
static bool name_matches(const char *text, const char *name)
{
	for (; *name != '\0'; text++, name++) {
		if (tolower((unsigned char)*text) != *name) {
			return false;
		}
	}
	return true;
}

/* The value of header `name` (lower case, with its colon) in the response head, or NULL. */
static const char *header_value(const char *name)
{
	size_t length = strlen(name);

	for (const char *line = strstr(head, "\r\n"); line != NULL;
	     line = strstr(line + 2, "\r\n")) {
		if (name_matches(line + 2, name)) {
			const char *value = line + 2 + length;

			while (*value == ' ' || *value == '\t') {
				value++;
			}
			return value;
		}
	}
	return NULL;
}

/* Read the status line and headers. Returns the body's length (Content-Length) and puts
 * the body bytes that came with the head into chunk, *extra of them. */
static int read_head(int sock, size_t *extra)
{
	size_t used = 0;
	char *end = NULL;

	while (end == NULL) {
		ssize_t got;

		if (used == HEADER_LIMIT) {
			printk("http_update: response head longer than %d bytes\n", HEADER_LIMIT);
			return -EMSGSIZE;
		}
		got = recv(sock, head + used, HEADER_LIMIT - used, 0);
		if (got <= 0) {
			printk("http_update: connection closed in the response head\n");
			return -ECONNRESET;
		}
		used += (size_t)got;
		head[used] = '\0';
		end = strstr(head, "\r\n\r\n");
	}
	*extra = used - (size_t)(end + 4 - head);
	BUILD_ASSERT(sizeof(chunk) >= HEADER_LIMIT, "the head's body bytes must fit");
	memcpy(chunk, end + 4, *extra);
	end[2] = '\0'; /* keep the last header's line end for header_value */
	if (strncmp(head, "HTTP/1.", 7) != 0 || strncmp(head + 8, " 200 ", 5) != 0) {
		*strstr(head, "\r\n") = '\0'; /* the status line only */
		printk("http_update: server answered: %s\n", head);
		return -ENOENT;
	}
	const char *length_text = header_value("content-length:");
	char *after;
	unsigned long length;

	if (length_text == NULL) {
		printk("http_update: no Content-Length\n");
		return -EBADMSG;
	}
	length = strtoul(length_text, &after, 10);
	if (after == length_text || (*after != '\r' && *after != ' ') || length == 0 ||
	    length > INT32_MAX) {
		printk("http_update: bad Content-Length\n");
		return -EBADMSG;
	}
	return (int)length;
}

/* GET the image and write it into the secondary slot: 0 once every byte is in flash. */
static int download(void)
{
	char request[160];
	size_t extra = 0;
	size_t total = 0;
	int length;
	int status;
	int sock = connect_to_server();

	if (sock < 0) {
		printk("http_update: cannot connect: %d\n", sock);
		return sock;
	}
	snprintf(request, sizeof(request),
		 "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
		 CONFIG_HTTP_UPDATE_PATH, CONFIG_HTTP_UPDATE_HOST);
	status = send_all(sock, request, strlen(request));
	length = status == 0 ? read_head(sock, &extra) : status;
	if (length < 0) {
		close(sock);
		return length;
	}
	printk("http_update: downloading %d bytes\n", length);
	status = flash_img_init(&image);
	while (status == 0 && total < (size_t)length) {
		size_t take = MIN(extra, (size_t)length - total);

		if (take > 0) {
			if (total < sizeof(offered)) {
				size_t head_part = MIN(take, sizeof(offered) - total);

				memcpy(&offered[total], chunk, head_part);
				if (total + head_part == sizeof(offered) &&
				    update_offers_the_running_version(offered)) {
					printk("http_update: the server offers the running "
					       "version\n");
					status = -EALREADY;
					break;
				}
			}
			status = flash_img_buffered_write(&image, chunk, take, false);
			total += take;
			extra = 0;
			continue;
		}
		ssize_t got = recv(sock, chunk, sizeof(chunk), 0);

		if (got <= 0) {
			break;
		}
		extra = (size_t)got;
	}
	close(sock);
	if (status == -EALREADY) {
		return status;
	}
	if (status != 0) {
		printk("http_update: flash write failed: %d\n", status);
		return status;
	}
	if (total != (size_t)length) {
		printk("http_update: download truncated: %u of %d bytes\n", (unsigned int)total,
		       length);
		return -EIO;
	}
	status = flash_img_buffered_write(&image, NULL, 0, true);
	if (status != 0) {
		printk("http_update: flash write failed: %d\n", status);
		return status;
	}
	printk("http_update: %u bytes in the secondary slot\n",
	       (unsigned int)flash_img_bytes_written(&image));
	return 0;
}

int main(void)
{
	int status;

	if (!update_attempt_begin("http_update")) {
		return 0;
	}
	status = download();
	if (status != 0) {
		printk("http_update: no update: %d\n", status);
		return 0;
	}
	(void)update_attempt_install("http_update");
	return 0;
}
