/* An update downloaded over CoAP block-wise, as Zephyr's DFU samples do it over HTTP:
 * GET the signed image from CONFIG_COAP_UPDATE_HOST:CONFIG_COAP_UPDATE_PORT with
 * coap_client_req, which fetches it block by block (RFC 7959 Block2), write each block
 * into the secondary slot with flash_img as it comes, request a test swap and reboot.
 * The image the boot stage swaps in confirms itself. Whether an image may boot is the
 * boot stage's decision alone; the client checks the blocks' sequence (size, number,
 * repeats) and this program that they form one body from its start. It tries once per
 * power-on (../common/update_attempt.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/dfu/flash_img.h>
#include <zephyr/net/coap.h>
#include <zephyr/net/coap_client.h>
#include <zephyr/net/socket.h>

#include "update_attempt.h"

#define UNDER_WAY 1 /* the download's outcome until its last callback */

static struct coap_client client;
static struct flash_img_context image;
static uint8_t offered[UPDATE_IMAGE_HEADER_BYTES]; /* the start of the image downloaded */
static K_SEM_DEFINE(finished, 0, 1);
static int outcome;
static size_t written;

static void finish(int status)
{
	outcome = status;
	k_sem_give(&finished);
}

/* Keeps the image's first bytes; -EALREADY once they name the running version. */
static int look_at_header(const uint8_t *payload, size_t length)
{
	if (written >= sizeof(offered)) {
		return 0;
	}
	size_t part = MIN(length, sizeof(offered) - written);

	memcpy(&offered[written], payload, part);
	if (written + part == sizeof(offered) && update_offers_the_running_version(offered)) {
		printk("coap_update: the server offers the running version\n");
		return -EALREADY;
	}
	return 0;
}

/* The client's callback, on its thread: once per block, `last_block` on the last, or
 * once with a negative code when the exchange failed. */
static void on_block(int16_t code, size_t offset, const uint8_t *payload, size_t length,
		     bool last_block, void *user_data)
{
	ARG_UNUSED(user_data);
	if (outcome != UNDER_WAY) {
		return; /* already decided: the rest is cancelled */
	}
	if (code < 0) {
		printk("coap_update: download failed: %d\n", code);
		finish(code);
		return;
	}
	if (code != COAP_RESPONSE_CODE_CONTENT) {
		printk("coap_update: server answered %d.%02d\n", code >> 5, code & 0x1f);
		finish(-ENOENT);
		return;
	}
	if (offset != written) {
		/* The client hands over blocks in order; a gap would corrupt the slot. */
		printk("coap_update: block at %u, %u bytes written\n", (unsigned int)offset,
		       (unsigned int)written);
		finish(-EBADMSG);
		return;
	}
	int status = look_at_header(payload, length);

	if (status == 0 && length > 0) {
		status = flash_img_buffered_write(&image, payload, length, false);
		if (status != 0) {
			printk("coap_update: flash write failed: %d\n", status);
		}
	}
	written += length;
	if (status != 0 || last_block) {
		finish(status);
	}
}

static int open_socket(struct sockaddr_storage *server)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *found = NULL;
	char port[8];
	int status;

	snprintf(port, sizeof(port), "%d", CONFIG_COAP_UPDATE_PORT);
	status = getaddrinfo(CONFIG_COAP_UPDATE_HOST, port, &hints, &found);
	if (status != 0) {
		printk("coap_update: cannot resolve %s: %d\n", CONFIG_COAP_UPDATE_HOST, status);
		return -EHOSTUNREACH;
	}
	memcpy(server, found->ai_addr, found->ai_addrlen);
	freeaddrinfo(found);
	int sock = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	return sock < 0 ? -errno : sock;
}

/* GET the image block by block into the secondary slot: 0 once every byte is in flash. */
static int download(void)
{
	struct sockaddr_storage server;
	struct coap_client_request request = {
		.method = COAP_METHOD_GET,
		.confirmable = true,
		.path = CONFIG_COAP_UPDATE_PATH,
		.cb = on_block,
	};
	int sock = open_socket(&server);
	int status;

	if (sock < 0) {
		printk("coap_update: no socket: %d\n", sock);
		return sock;
	}
	status = coap_client_init(&client, NULL);
	status = status ?: flash_img_init(&image);
	outcome = UNDER_WAY;
	written = 0;
	printk("coap_update: downloading %s\n", CONFIG_COAP_UPDATE_PATH);
	status = status ?: coap_client_req(&client, sock, (struct sockaddr *)&server, &request,
					   NULL);
	if (status != 0) {
		printk("coap_update: request failed: %d\n", status);
		close(sock);
		return status;
	}
	k_sem_take(&finished, K_FOREVER);
	coap_client_cancel_requests(&client);
	close(sock);
	if (outcome != 0) {
		return outcome;
	}
	status = flash_img_buffered_write(&image, NULL, 0, true);
	if (status != 0) {
		printk("coap_update: flash write failed: %d\n", status);
		return status;
	}
	printk("coap_update: %u bytes in the secondary slot\n",
	       (unsigned int)flash_img_bytes_written(&image));
	return 0;
}

int main(void)
{
	int status;

	if (!update_attempt_begin("coap_update")) {
		return 0;
	}
	status = download();
	if (status != 0) {
		printk("coap_update: no update: %d\n", status);
		return 0;
	}
	(void)update_attempt_install("coap_update");
	return 0;
}
