/* GPIO specifier flags for devicetree sources (the `flags` cell of a `gpios` property),
 * with Zephyr's values so that specifiers mean the same as on a Zephyr board. */
#ifndef LEVANTE_DT_BINDINGS_GPIO_H
#define LEVANTE_DT_BINDINGS_GPIO_H

#define GPIO_ACTIVE_HIGH (0 << 0)
#define GPIO_ACTIVE_LOW (1 << 0)
#define GPIO_PUSH_PULL (0 << 1)
#define GPIO_SINGLE_ENDED (1 << 1)
#define GPIO_LINE_OPEN_DRAIN (1 << 2)
#define GPIO_OPEN_DRAIN (GPIO_SINGLE_ENDED | GPIO_LINE_OPEN_DRAIN)
#define GPIO_OPEN_SOURCE (GPIO_SINGLE_ENDED | (0 << 2))
#define GPIO_PULL_UP (1 << 4)
#define GPIO_PULL_DOWN (1 << 5)

#endif
