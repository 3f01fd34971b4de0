/* GPIO drivers (Zephyr's drivers/gpio.h): configure pins, read and drive levels, and
 * get a callback when an input pin's interrupt fires.
 *
 * The raw calls, the logical gpio_port_get/gpio_port_set_masked and the configuration
 * calls are system calls (generated/levante/syscalls.h); a user thread needs a grant on
 * the controller.  gpio_add_callback/gpio_remove_callback are kernel functions: the
 * callback runs in interrupt context.  The pin-level helpers below are built on them. */
#ifndef ZEPHYR_DRIVERS_GPIO_H
#define ZEPHYR_DRIVERS_GPIO_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <zephyr/kernel.h>
#include <zephyr/device.h>
#include <zephyr/sys/slist.h>
#include <zephyr/sys/util.h>
#include <dt-bindings/gpio/gpio.h>

typedef uint8_t gpio_pin_t;
typedef uint32_t gpio_flags_t;
typedef uint16_t gpio_dt_flags_t;
typedef uint32_t gpio_port_pins_t;
typedef uint32_t gpio_port_value_t;

#define GPIO_INPUT (1U << 16)
#define GPIO_OUTPUT (1U << 17)
#define GPIO_DISCONNECTED 0
#define GPIO_OUTPUT_INIT_LOW (1U << 18)
#define GPIO_OUTPUT_INIT_HIGH (1U << 19)
#define GPIO_OUTPUT_INIT_LOGICAL (1U << 20)
#define GPIO_OUTPUT_LOW (GPIO_OUTPUT | GPIO_OUTPUT_INIT_LOW)
#define GPIO_OUTPUT_HIGH (GPIO_OUTPUT | GPIO_OUTPUT_INIT_HIGH)
#define GPIO_OUTPUT_INACTIVE (GPIO_OUTPUT | GPIO_OUTPUT_INIT_LOW | GPIO_OUTPUT_INIT_LOGICAL)
#define GPIO_OUTPUT_ACTIVE (GPIO_OUTPUT | GPIO_OUTPUT_INIT_HIGH | GPIO_OUTPUT_INIT_LOGICAL)

#define GPIO_INT_DISABLE (1U << 21)
#define GPIO_INT_ENABLE (1U << 22)
#define GPIO_INT_LEVELS_LOGICAL (1U << 23)
#define GPIO_INT_EDGE (1U << 24)
#define GPIO_INT_LOW_0 (1U << 25)
#define GPIO_INT_HIGH_1 (1U << 26)
#define GPIO_INT_ENABLE_DISABLE_ONLY (1U << 27)
#define GPIO_INT_MODE_DISABLED GPIO_INT_DISABLE
#define GPIO_INT_MODE_LEVEL GPIO_INT_ENABLE
#define GPIO_INT_MODE_EDGE (GPIO_INT_ENABLE | GPIO_INT_EDGE)
#define GPIO_INT_EDGE_RISING (GPIO_INT_ENABLE | GPIO_INT_EDGE | GPIO_INT_HIGH_1)
#define GPIO_INT_EDGE_FALLING (GPIO_INT_ENABLE | GPIO_INT_EDGE | GPIO_INT_LOW_0)
#define GPIO_INT_EDGE_BOTH (GPIO_INT_ENABLE | GPIO_INT_EDGE | GPIO_INT_LOW_0 | GPIO_INT_HIGH_1)
#define GPIO_INT_LEVEL_LOW (GPIO_INT_ENABLE | GPIO_INT_LOW_0)
#define GPIO_INT_LEVEL_HIGH (GPIO_INT_ENABLE | GPIO_INT_HIGH_1)
#define GPIO_INT_EDGE_TO_INACTIVE \
	(GPIO_INT_ENABLE | GPIO_INT_LEVELS_LOGICAL | GPIO_INT_EDGE | GPIO_INT_LOW_0)
#define GPIO_INT_EDGE_TO_ACTIVE \
	(GPIO_INT_ENABLE | GPIO_INT_LEVELS_LOGICAL | GPIO_INT_EDGE | GPIO_INT_HIGH_1)
#define GPIO_INT_LEVEL_INACTIVE (GPIO_INT_ENABLE | GPIO_INT_LEVELS_LOGICAL | GPIO_INT_LOW_0)
#define GPIO_INT_LEVEL_ACTIVE (GPIO_INT_ENABLE | GPIO_INT_LEVELS_LOGICAL | GPIO_INT_HIGH_1)
#define GPIO_DIR_MASK (GPIO_INPUT | GPIO_OUTPUT)
#define GPIO_MAX_PINS_PER_PORT (sizeof(gpio_port_pins_t) * __CHAR_BIT__)

/* A pin as the devicetree names it: its controller, number and flags. */
struct gpio_dt_spec {
	const struct device *port;
	gpio_pin_t pin;
	gpio_dt_flags_t dt_flags;
};

#define GPIO_DT_SPEC_GET_BY_IDX(node_id, prop, idx) \
	{ \
		.port = DEVICE_DT_GET(DT_GPIO_CTLR_BY_IDX(node_id, prop, idx)), \
		.pin = DT_GPIO_PIN_BY_IDX(node_id, prop, idx), \
		.dt_flags = DT_GPIO_FLAGS_BY_IDX(node_id, prop, idx), \
	}
#define GPIO_DT_SPEC_GET_BY_IDX_OR(node_id, prop, idx, default_value) \
	COND_CODE_1(DT_PROP_HAS_IDX(node_id, prop, idx), \
		    (GPIO_DT_SPEC_GET_BY_IDX(node_id, prop, idx)), (default_value))
#define GPIO_DT_SPEC_GET(node_id, prop) GPIO_DT_SPEC_GET_BY_IDX(node_id, prop, 0)
#define GPIO_DT_SPEC_GET_OR(node_id, prop, default_value) \
	GPIO_DT_SPEC_GET_BY_IDX_OR(node_id, prop, 0, default_value)
#define GPIO_DT_SPEC_INST_GET_BY_IDX(inst, prop, idx) \
	GPIO_DT_SPEC_GET_BY_IDX(DT_DRV_INST(inst), prop, idx)
#define GPIO_DT_SPEC_INST_GET_BY_IDX_OR(inst, prop, idx, default_value) \
	GPIO_DT_SPEC_GET_BY_IDX_OR(DT_DRV_INST(inst), prop, idx, default_value)
#define GPIO_DT_SPEC_INST_GET(inst, prop) GPIO_DT_SPEC_INST_GET_BY_IDX(inst, prop, 0)
#define GPIO_DT_SPEC_INST_GET_OR(inst, prop, default_value) \
	GPIO_DT_SPEC_INST_GET_BY_IDX_OR(inst, prop, 0, default_value)

struct gpio_callback;
typedef void (*gpio_callback_handler_t)(const struct device *port, struct gpio_callback *cb,
					gpio_port_pins_t pins);

/* What gpio_add_callback registers: the handler runs for the pins of pin_mask. */
struct gpio_callback {
	sys_snode_t node;
	gpio_callback_handler_t handler;
	gpio_port_pins_t pin_mask;
};

#ifdef CONFIG_GPIO
/* The helpers below call the driver's system calls, which exist with CONFIG_GPIO. */

static inline void gpio_init_callback(struct gpio_callback *callback,
				      gpio_callback_handler_t handler, gpio_port_pins_t pin_mask)
{
	callback->node.next = NULL;
	callback->handler = handler;
	callback->pin_mask = pin_mask;
}

static inline bool gpio_is_ready_dt(const struct gpio_dt_spec *spec)
{
	return device_is_ready(spec->port);
}

static inline int gpio_pin_configure_dt(const struct gpio_dt_spec *spec, gpio_flags_t extra_flags)
{
	return gpio_pin_configure(spec->port, spec->pin, spec->dt_flags | extra_flags);
}

static inline int gpio_pin_interrupt_configure_dt(const struct gpio_dt_spec *spec,
						  gpio_flags_t flags)
{
	return gpio_pin_interrupt_configure(spec->port, spec->pin, flags);
}

static inline int gpio_port_set_bits(const struct device *port, gpio_port_pins_t pins)
{
	return gpio_port_set_masked(port, pins, pins);
}

static inline int gpio_port_clear_bits(const struct device *port, gpio_port_pins_t pins)
{
	return gpio_port_set_masked(port, pins, 0);
}

static inline int gpio_port_set_clr_bits_raw(const struct device *port,
					     gpio_port_pins_t set_pins, gpio_port_pins_t clear_pins)
{
	return gpio_port_set_masked_raw(port, set_pins | clear_pins, set_pins);
}

static inline int gpio_pin_get_raw(const struct device *port, gpio_pin_t pin)
{
	gpio_port_value_t value;
	int ret = gpio_port_get_raw(port, &value);

	return ret == 0 ? (int)((value >> pin) & 1U) : ret;
}

static inline int gpio_pin_get(const struct device *port, gpio_pin_t pin)
{
	gpio_port_value_t value;
	int ret = gpio_port_get(port, &value);

	return ret == 0 ? (int)((value >> pin) & 1U) : ret;
}

static inline int gpio_pin_get_dt(const struct gpio_dt_spec *spec)
{
	return gpio_pin_get(spec->port, spec->pin);
}

static inline int gpio_pin_set_raw(const struct device *port, gpio_pin_t pin, int value)
{
	return value != 0 ? gpio_port_set_bits_raw(port, BIT(pin))
			  : gpio_port_clear_bits_raw(port, BIT(pin));
}

static inline int gpio_pin_set(const struct device *port, gpio_pin_t pin, int value)
{
	return gpio_port_set_masked(port, BIT(pin), value != 0 ? BIT(pin) : 0);
}

static inline int gpio_pin_set_dt(const struct gpio_dt_spec *spec, int value)
{
	return gpio_pin_set(spec->port, spec->pin, value);
}

static inline int gpio_pin_toggle(const struct device *port, gpio_pin_t pin)
{
	return gpio_port_toggle_bits(port, BIT(pin));
}

static inline int gpio_pin_toggle_dt(const struct gpio_dt_spec *spec)
{
	return gpio_pin_toggle(spec->port, spec->pin);
}

#ifdef CONFIG_GPIO_GET_DIRECTION
static inline int gpio_pin_is_input(const struct device *port, gpio_pin_t pin)
{
	gpio_port_pins_t inputs;
	int ret = gpio_port_get_direction(port, BIT(pin), &inputs, NULL);

	return ret == 0 ? (inputs & BIT(pin)) != 0 : ret;
}

static inline int gpio_pin_is_input_dt(const struct gpio_dt_spec *spec)
{
	return gpio_pin_is_input(spec->port, spec->pin);
}

static inline int gpio_pin_is_output(const struct device *port, gpio_pin_t pin)
{
	gpio_port_pins_t outputs;
	int ret = gpio_port_get_direction(port, BIT(pin), NULL, &outputs);

	return ret == 0 ? (outputs & BIT(pin)) != 0 : ret;
}

static inline int gpio_pin_is_output_dt(const struct gpio_dt_spec *spec)
{
	return gpio_pin_is_output(spec->port, spec->pin);
}
#endif

#ifdef CONFIG_GPIO_GET_CONFIG
static inline int gpio_pin_get_config_dt(const struct gpio_dt_spec *spec, gpio_flags_t *flags)
{
	return gpio_pin_get_config(spec->port, spec->pin, flags);
}
#endif

#endif /* CONFIG_GPIO */

#endif
