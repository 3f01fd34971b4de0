/* The bit layout of a network management request or event code (Zephyr's). */
#ifndef ZEPHYR_INCLUDE_NET_NET_MGMT_CODES_H_
#define ZEPHYR_INCLUDE_NET_NET_MGMT_CODES_H_

#define NET_MGMT_EVENT_BIT (1u << 31)
#define NET_MGMT_IFACE_BIT (1u << 30)
#define NET_MGMT_SYNC_EVENT_BIT (1u << 27)
#define NET_MGMT_LAYER(layer) ((uint32_t)(layer) << 28)
#define NET_MGMT_LAYER_CODE(code) ((uint32_t)(code) << 16)
#define NET_MGMT_LAYER_L2 1
#define NET_MGMT_LAYER_L3 2
#define NET_MGMT_LAYER_L4 3

#define NET_MGMT_LAYER_MASK 0x30000000u
#define NET_MGMT_LAYER_CODE_MASK 0x07FF0000u
#define NET_MGMT_COMMAND_MASK 0x0000FFFFu

#endif
