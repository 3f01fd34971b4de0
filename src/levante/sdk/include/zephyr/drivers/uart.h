/* UART drivers (Zephyr's drivers/uart.h): the console UART, polled and interrupt-driven.
 *
 * uart_poll_in/out, uart_err_check, uart_configure, uart_config_get and the uart_irq_
 * enable/disable, is_pending and update calls are system calls (a user thread needs a
 * grant on the UART); uart_irq_callback_user_data_set, uart_fifo_fill/read and the
 * uart_irq_*_ready/complete queries are kernel functions, called from the callback,
 * which runs in interrupt context.  Without CONFIG_UART_INTERRUPT_DRIVEN the
 * interrupt-driven calls say -ENOTSUP, as in Zephyr. */
#ifndef ZEPHYR_DRIVERS_UART_H
#define ZEPHYR_DRIVERS_UART_H

#include <errno.h>
#include <stdint.h>
#include <zephyr/kernel.h>
#include <zephyr/device.h>

enum uart_config_parity {
	UART_CFG_PARITY_NONE,
	UART_CFG_PARITY_ODD,
	UART_CFG_PARITY_EVEN,
	UART_CFG_PARITY_MARK,
	UART_CFG_PARITY_SPACE,
};

enum uart_config_stop_bits {
	UART_CFG_STOP_BITS_0_5,
	UART_CFG_STOP_BITS_1,
	UART_CFG_STOP_BITS_1_5,
	UART_CFG_STOP_BITS_2,
};

enum uart_config_data_bits {
	UART_CFG_DATA_BITS_5,
	UART_CFG_DATA_BITS_6,
	UART_CFG_DATA_BITS_7,
	UART_CFG_DATA_BITS_8,
	UART_CFG_DATA_BITS_9,
};

enum uart_config_flow_control {
	UART_CFG_FLOW_CTRL_NONE,
	UART_CFG_FLOW_CTRL_RTS_CTS,
	UART_CFG_FLOW_CTRL_DTR_DSR,
	UART_CFG_FLOW_CTRL_RS485,
};

/* What uart_configure takes and uart_config_get gives (8 data bits, no flow control
 * on the emulated line; other values are -ENOTSUP). */
struct uart_config {
	uint32_t baudrate;
	uint8_t parity;
	uint8_t stop_bits;
	uint8_t data_bits;
	uint8_t flow_ctrl;
};

typedef uart_irq_callback_user_data_t uart_irq_callback_t;

#ifndef CONFIG_UART_INTERRUPT_DRIVEN
static inline int uart_irq_callback_user_data_set(const struct device *dev,
						  uart_irq_callback_user_data_t cb,
						  void *user_data)
{
	ARG_UNUSED(dev);
	ARG_UNUSED(cb);
	ARG_UNUSED(user_data);
	return -ENOTSUP;
}

static inline int uart_fifo_fill(const struct device *dev, const uint8_t *tx_data, int size)
{
	ARG_UNUSED(dev);
	ARG_UNUSED(tx_data);
	ARG_UNUSED(size);
	return -ENOTSUP;
}

static inline int uart_fifo_read(const struct device *dev, uint8_t *rx_data, const int size)
{
	ARG_UNUSED(dev);
	ARG_UNUSED(rx_data);
	ARG_UNUSED(size);
	return -ENOTSUP;
}

static inline int uart_irq_update(const struct device *dev)
{
	ARG_UNUSED(dev);
	return -ENOTSUP;
}
#endif

static inline int uart_irq_callback_set(const struct device *dev, uart_irq_callback_t cb)
{
	return uart_irq_callback_user_data_set(dev, cb, NULL);
}

#endif
