/* The console UART's driver API: configuration, interrupt-driven reception of the
 * host's lines (the callback runs in interrupt context), interrupt-driven and polled
 * transmission, polled reception at the end of input, and the grant a user thread
 * needs. */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/drivers/uart.h>

static const struct device *const uart = DEVICE_DT_GET(DT_CHOSEN(zephyr_console));
K_MSGQ_DEFINE(lines, 32, 4, 4);
static char line[32];
static size_t used;
static const char *tx_text;
static size_t tx_left;
static int callbacks_in_isr = 1;
static struct k_thread user;
static K_THREAD_STACK_DEFINE(user_stack, 1024);
K_SEM_DEFINE(sent, 0, 1);

static void on_uart(const struct device *dev, void *user_data)
{
	uint8_t c;

	callbacks_in_isr &= k_is_in_isr() && dev == uart && user_data == &lines;
	uart_irq_update(dev);
	while (uart_irq_rx_ready(dev) && uart_fifo_read(dev, &c, 1) == 1) {
		if (c == '\n') {
			line[used] = '\0';
			k_msgq_put(&lines, line, K_NO_WAIT);
			used = 0;
		} else if (used < sizeof(line) - 1) {
			line[used++] = c;
		}
	}
	if (uart_irq_tx_ready(dev) && tx_left > 0) {
		int n = uart_fifo_fill(dev, (const uint8_t *)tx_text, tx_left);

		tx_text += n;
		tx_left -= n;
		if (tx_left == 0) {
			uart_irq_tx_disable(dev);
			k_sem_give(&sent);
		}
	}
}

static void send_by_interrupts(const char *text)
{
	tx_text = text;
	tx_left = strlen(text);
	uart_irq_tx_enable(uart);
	k_sem_take(&sent, K_FOREVER);
}

/* Only the faulting thread ends: the run goes on to say so. */
void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("fatal error %u in a thread\n", reason);
}

static void user_writes(void *p1, void *p2, void *p3)
{
	uart_poll_out(uart, 'u'); /* no grant on the UART: the call oopses */
	printk("user wrote without a grant\n");
}

int main(void)
{
	struct uart_config cfg;
	struct uart_config nine_bits = {
		.baudrate = 9600, .parity = UART_CFG_PARITY_NONE,
		.stop_bits = UART_CFG_STOP_BITS_1, .data_bits = UART_CFG_DATA_BITS_9,
		.flow_ctrl = UART_CFG_FLOW_CTRL_NONE,
	};
	struct uart_config slow = nine_bits;

	slow.data_bits = UART_CFG_DATA_BITS_8;
	printk("configure 9 bits: %d\n", uart_configure(uart, &nine_bits));
	printk("configure 9600: %d\n", uart_configure(uart, &slow));
	uart_config_get(uart, &cfg);
	printk("baud %u data bits %u\n", cfg.baudrate, cfg.data_bits);

	uart_irq_callback_user_data_set(uart, on_uart, &lines);
	uart_irq_rx_enable(uart);
	for (int i = 0; i < 2; i++) {
		char got[32];

		k_msgq_get(&lines, got, K_FOREVER);
		printk("line %d: %s (at %u ms)\n", i, got, k_uptime_get_32());
	}
	uart_irq_rx_disable(uart);
	send_by_interrupts("sent by the transmit interrupt, sixteen bytes at a time\n");
	for (const char *p = "sent by polling\n"; *p; p++) {
		uart_poll_out(uart, *p);
	}
	unsigned char c;
	int got = 0;

	while (uart_poll_in(uart, &c) == 0) {
		got++;
	}
	printk("polled %d more bytes, then %d\n", got, uart_poll_in(uart, &c));
	printk("callbacks in interrupt context: %d\n", callbacks_in_isr);
	k_thread_create(&user, user_stack, K_THREAD_STACK_SIZEOF(user_stack), user_writes,
			NULL, NULL, NULL, 0, K_USER, K_NO_WAIT);
	k_thread_join(&user, K_FOREVER);
	printk("done\n");
	return 0;
}
