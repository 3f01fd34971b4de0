/* Devicetree macros and the GPIO driver: pin configuration, raw and logical levels,
 * active-low pins, pulls, interrupts with callbacks in interrupt context, a pressed
 * button (from the stimulus script), and the user rules. */
#include <zephyr/ztest.h>
#include <zephyr/drivers/gpio.h>

#define LED0 DT_ALIAS(led0)
#define SW0 DT_ALIAS(sw0)
#define TEST_LINE DT_NODELABEL(test_line)

static const struct gpio_dt_spec led = GPIO_DT_SPEC_GET(LED0, gpios);
static const struct gpio_dt_spec button = GPIO_DT_SPEC_GET(SW0, gpios);
static const struct gpio_dt_spec line = GPIO_DT_SPEC_GET(TEST_LINE, gpios);
static const struct gpio_dt_spec missing = GPIO_DT_SPEC_GET_OR(DT_ALIAS(no_such_led), gpios,
							       {0});
static const struct device *const port = DEVICE_DT_GET(DT_NODELABEL(gpio0));

static struct gpio_callback loop_cb;
static struct gpio_callback button_cb;
static volatile uint32_t loop_pins;
static volatile int loop_calls;
static volatile int loop_in_isr;
static volatile int presses;
static K_SEM_DEFINE(pressed, 0, 1);

BUILD_ASSERT(DT_NODE_EXISTS(LED0) && DT_NODE_HAS_STATUS(LED0, okay));
BUILD_ASSERT(!DT_NODE_EXISTS(DT_ALIAS(no_such_led)) && !DT_HAS_ALIAS(no_such_led));
BUILD_ASSERT(DT_HAS_ALIAS(sw1) && DT_HAS_CHOSEN(zephyr_console));
BUILD_ASSERT(DT_NODE_HAS_COMPAT(DT_PARENT(LED0), gpio_leds));
BUILD_ASSERT(DT_HAS_COMPAT_STATUS_OKAY(gpio_keys) && DT_NUM_INST_STATUS_OKAY(gpio_leds) == 2);
BUILD_ASSERT(DT_PROP_LEN(LED0, gpios) == 1 && DT_CHILD_NUM(DT_PATH(leds)) == 4);
BUILD_ASSERT(DT_SAME_NODE(DT_GPIO_CTLR(SW0, gpios), DT_NODELABEL(gpio0)));
BUILD_ASSERT(DT_PROP(DT_NODELABEL(gpio0), ngpios) == 32);
BUILD_ASSERT(DT_PROP_OR(DT_NODELABEL(gpio0), no_such_property, 7) == 7);
BUILD_ASSERT(DT_REG_SIZE(DT_NODELABEL(gpio0)) == 0x1000);
BUILD_ASSERT(DT_REG_SIZE(DT_NODELABEL(slot0_partition)) > 0);

#define COUNT_ONE(node_id) +1
BUILD_ASSERT((0 DT_FOREACH_CHILD(DT_PATH(buttons), COUNT_ONE)) == 2);

ZTEST(gpio, test_devicetree_names_the_board)
{
	zassert_true(gpio_is_ready_dt(&led));
	zassert_equal_ptr(led.port, port);
	zassert_equal(led.pin, DT_GPIO_PIN(LED0, gpios));
	zassert_equal(button.dt_flags, GPIO_PULL_UP | GPIO_ACTIVE_LOW);
	zassert_is_null(missing.port);
	zassert_equal(DT_REG_ADDR(DT_NODELABEL(gpio0)), port->address);
	zassert_str_equal(port->name, "gpio@40010000");
	zassert_equal_ptr(device_get_binding("gpio@40010000"), port);
	zassert_is_null(device_get_binding("no-such-device"));
	zassert_str_equal(DT_PROP(LED0, label), "Green LED 0");
	zassert_str_equal(DT_NODE_PATH(TEST_LINE), "/test_lines/test_line");
}

ZTEST(gpio, test_outputs_and_logical_levels)
{
	zassert_ok(gpio_pin_configure_dt(&led, GPIO_OUTPUT_ACTIVE));
	zassert_equal(gpio_pin_get_dt(&led), 1);
	zassert_ok(gpio_pin_toggle_dt(&led));
	zassert_equal(gpio_pin_get_dt(&led), 0);
	/* An active-low line: logical 1 is a low wire. */
	zassert_ok(gpio_pin_configure_dt(&line, GPIO_OUTPUT_INACTIVE));
	zassert_equal(gpio_pin_get_raw(port, line.pin), 1);
	zassert_ok(gpio_pin_set_dt(&line, 1));
	zassert_equal(gpio_pin_get_raw(port, line.pin), 0);
	zassert_equal(gpio_pin_get_dt(&line), 1);
	gpio_port_pins_t outputs = 0;

	zassert_ok(gpio_port_get_direction(port, BIT(line.pin) | BIT(button.pin), NULL, &outputs));
	zassert_equal(outputs, BIT(line.pin));
}

ZTEST(gpio, test_bad_pins_and_flags_are_refused)
{
	zassert_equal(gpio_pin_configure(port, 32, GPIO_INPUT), -EINVAL);
	zassert_equal(gpio_pin_configure(port, 5, GPIO_INPUT | GPIO_PULL_UP | GPIO_PULL_DOWN),
		      -ENOTSUP);
	zassert_equal(gpio_pin_configure(port, 5, GPIO_OUTPUT | GPIO_OPEN_DRAIN), -ENOTSUP);
	zassert_ok(gpio_pin_configure(port, 6, GPIO_OUTPUT_LOW));
	zassert_equal(gpio_pin_interrupt_configure(port, 6, GPIO_INT_EDGE_RISING), -ENOTSUP);
	zassert_equal(gpio_remove_callback(port, &loop_cb), -EINVAL);
}

static void on_loop(const struct device *dev, struct gpio_callback *cb, gpio_port_pins_t pins)
{
	zassert_equal_ptr(dev, port);
	zassert_equal_ptr(cb, &loop_cb);
	loop_pins |= pins;
	loop_in_isr = k_is_in_isr();
	loop_calls++;
}

ZTEST(gpio, test_a_pin_interrupt_runs_its_callback_in_interrupt_context)
{
	/* Pin 12 drives itself (input and output): its rising edge interrupts. */
	zassert_ok(gpio_pin_configure(port, 12, GPIO_INPUT | GPIO_OUTPUT_LOW));
	zassert_ok(gpio_pin_interrupt_configure(port, 12, GPIO_INT_EDGE_RISING));
	gpio_init_callback(&loop_cb, on_loop, BIT(12));
	zassert_ok(gpio_add_callback(port, &loop_cb));
	zassert_ok(gpio_pin_set_raw(port, 12, 1));
	k_msleep(1);
	zassert_equal(loop_calls, 1);
	zassert_equal(loop_pins, BIT(12));
	zassert_true(loop_in_isr);
	zassert_ok(gpio_pin_set_raw(port, 12, 0)); /* a falling edge: not asked for */
	k_msleep(1);
	zassert_equal(loop_calls, 1);
	zassert_ok(gpio_remove_callback(port, &loop_cb));
	zassert_ok(gpio_pin_set_raw(port, 12, 1));
	k_msleep(1);
	zassert_equal(loop_calls, 1);
}

static void on_press(const struct device *dev, struct gpio_callback *cb, gpio_port_pins_t pins)
{
	presses++;
	k_sem_give(&pressed);
}

ZTEST(gpio, test_a_pressed_button_interrupts)
{
	zassert_ok(gpio_pin_configure_dt(&button, GPIO_INPUT));
	zassert_equal(gpio_pin_get_dt(&button), 0); /* released: the pull-up holds it high */
	zassert_equal(gpio_pin_get_raw(button.port, button.pin), 1);
	zassert_ok(gpio_pin_interrupt_configure_dt(&button, GPIO_INT_EDGE_TO_ACTIVE));
	gpio_init_callback(&button_cb, on_press, BIT(button.pin));
	zassert_ok(gpio_add_callback(button.port, &button_cb));
	/* The stimulus presses sw0 at 500 ms and releases it at 600 ms. */
	zassert_ok(k_sem_take(&pressed, K_SECONDS(2)));
	zassert_equal(gpio_pin_get_dt(&button), 1);
	k_msleep(200);
	zassert_equal(gpio_pin_get_dt(&button), 0);
	zassert_equal(presses, 1);
}

static void user_reads_without_grant(void)
{
	(void)gpio_pin_get_dt(&led); /* no grant on the controller: the call oopses */
	ztest_test_fail();
}

ZTEST_USER(gpio, test_a_user_thread_needs_a_grant)
{
	ztest_set_fault_valid(true);
	user_reads_without_grant();
}

ZTEST_SUITE(gpio, NULL, NULL, NULL, NULL, NULL);
