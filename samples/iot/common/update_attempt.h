/* What the download samples (http_update, coap_update) share around a download: the
 * image the boot stage swapped in confirms itself, a warm reboot remembers that this
 * power-on already installed a download, an image naming the running version is not
 * installed again, and a finished download is requested as a test swap. */
#ifndef SAMPLES_IOT_COMMON_UPDATE_ATTEMPT_H_
#define SAMPLES_IOT_COMMON_UPDATE_ATTEMPT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* MCUboot's header up to its version: magic .. ih_ver. */
#define UPDATE_IMAGE_HEADER_BYTES 24

/* Prints "<name>: running version V", then decides whether to download: false when
 * this image runs on test (it confirms itself) or when this power-on already
 * installed a download the boot stage did not take (each said on the console). */
bool update_attempt_begin(const char *name);

/* Whether an image header (its first UPDATE_IMAGE_HEADER_BYTES) names the version
 * that runs: then there is nothing to install. */
bool update_offers_the_running_version(const uint8_t *header);

/* Requests a test swap of the secondary slot and reboots warm; returns only when the
 * request fails (its errno, printed). */
int update_attempt_install(const char *name);

#endif /* SAMPLES_IOT_COMMON_UPDATE_ATTEMPT_H_ */
