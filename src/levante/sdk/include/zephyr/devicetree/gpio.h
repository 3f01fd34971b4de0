/* Devicetree access to GPIO specifiers (`gpios = <&gpio0 13 GPIO_ACTIVE_LOW>`). */
#ifndef ZEPHYR_DEVICETREE_GPIO_H
#define ZEPHYR_DEVICETREE_GPIO_H

#define DT_GPIO_CTLR_BY_IDX(node_id, gpio_pha, idx) DT_PHANDLE_BY_IDX(node_id, gpio_pha, idx)
#define DT_GPIO_CTLR(node_id, gpio_pha) DT_GPIO_CTLR_BY_IDX(node_id, gpio_pha, 0)
#define DT_GPIO_PIN_BY_IDX(node_id, gpio_pha, idx) DT_PHA_BY_IDX(node_id, gpio_pha, idx, pin)
#define DT_GPIO_PIN(node_id, gpio_pha) DT_GPIO_PIN_BY_IDX(node_id, gpio_pha, 0)
#define DT_GPIO_FLAGS_BY_IDX(node_id, gpio_pha, idx) \
	DT_PHA_BY_IDX_OR(node_id, gpio_pha, idx, flags, 0)
#define DT_GPIO_FLAGS(node_id, gpio_pha) DT_GPIO_FLAGS_BY_IDX(node_id, gpio_pha, 0)
#define DT_INST_GPIO_PIN(inst, gpio_pha) DT_GPIO_PIN(DT_DRV_INST(inst), gpio_pha)
#define DT_INST_GPIO_FLAGS(inst, gpio_pha) DT_GPIO_FLAGS(DT_DRV_INST(inst), gpio_pha)

#endif
