/* <zephyr/net/net_config.h>: the interface's settings from CONFIG_NET_CONFIG_* are
 * applied by the kernel at boot (as Zephyr's net_config does with its automatic
 * initialisation), and DHCPv4 started there when configured. */
#ifndef ZEPHYR_INCLUDE_NET_NET_CONFIG_H_
#define ZEPHYR_INCLUDE_NET_NET_CONFIG_H_

#include <stdint.h>
#include <zephyr/device.h>
#include <zephyr/kernel.h>

/* The settings were applied at boot: 0 when the interface exists, -ENODEV when not. */
int net_config_init_app(const struct device *dev, const char *app_info);

#endif
