/* <zephyr/usb/usb_device.h>: Levante boards have no USB controller, and
 * CONFIG_USB_DEVICE_STACK is refused at configuration. The declarations let code that
 * calls them only under IS_ENABLED(CONFIG_USB_DEVICE_STACK), as Zephyr's samples do,
 * compile; nothing defines them, so a program that really calls one fails to link,
 * and the build says USB is not provided (sdk/unsupported.py). */
#ifndef ZEPHYR_USB_USB_DEVICE_H
#define ZEPHYR_USB_USB_DEVICE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The status callback usb_enable takes. */
typedef void (*usb_dc_status_callback)(int status_code, const uint8_t *param);

int usb_enable(usb_dc_status_callback status_cb);
int usb_disable(void);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_USB_USB_DEVICE_H */
