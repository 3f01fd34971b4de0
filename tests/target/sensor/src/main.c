/* The virtual sensor: default readings, the XYZ channels, unsupported channels and
 * attributes, thresholds with a THRESHOLD trigger and a DATA_READY trigger (handlers in
 * interrupt context) fed by the stimulus script, and the grant a user thread needs. */
#include <zephyr/kernel.h>
#include <zephyr/drivers/sensor.h>

#define ADD_ONE(i, _) (i + 1)
BUILD_ASSERT((LISTIFY(4, ADD_ONE, (+))) == 10, "LISTIFY expands in order");

static const struct device *const sensor = DEVICE_DT_GET(DT_ALIAS(ambient_temp0));
static const struct sensor_trigger threshold = {
	.type = SENSOR_TRIG_THRESHOLD, .chan = SENSOR_CHAN_AMBIENT_TEMP,
};
static const struct sensor_trigger data_ready = {
	.type = SENSOR_TRIG_DATA_READY, .chan = SENSOR_CHAN_ACCEL_XYZ,
};
static struct k_thread user;
static K_THREAD_STACK_DEFINE(user_stack, 1024);

static void on_threshold(const struct device *dev, const struct sensor_trigger *trig)
{
	struct sensor_value value;

	sensor_sample_fetch_chan(dev, trig->chan);
	sensor_channel_get(dev, trig->chan, &value);
	printk("threshold crossed at %u ms: %.2f (in isr %d)\n", k_uptime_get_32(),
	       sensor_value_to_double(&value), k_is_in_isr());
}

static void on_data(const struct device *dev, const struct sensor_trigger *trig)
{
	struct sensor_value xyz[3];

	sensor_sample_fetch(dev);
	sensor_channel_get(dev, SENSOR_CHAN_ACCEL_XYZ, xyz);
	printk("accel %.2f %.2f %.2f (x: %d, %d)\n", sensor_value_to_double(&xyz[0]),
	       sensor_value_to_double(&xyz[1]), sensor_value_to_double(&xyz[2]), xyz[0].val1,
	       xyz[0].val2);
}

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("fatal error %u in a thread\n", reason);
}

static void user_reads(void *p1, void *p2, void *p3)
{
	sensor_sample_fetch(sensor); /* no grant: the call oopses */
	printk("user read without a grant\n");
}

int main(void)
{
	struct sensor_value value;
	struct sensor_value xyz[3];

	printk("ready %d name %s\n", device_is_ready(sensor), sensor->name);
	printk("before fetch: %d\n", sensor_channel_get(sensor, SENSOR_CHAN_PRESS, &value));
	printk("fetch: %d\n", sensor_sample_fetch(sensor));
	sensor_channel_get(sensor, SENSOR_CHAN_AMBIENT_TEMP, &value);
	printk("ambient %.1f (%d, %d)\n", sensor_value_to_double(&value), value.val1,
	       value.val2);
	sensor_channel_get(sensor, SENSOR_CHAN_PRESS, &value);
	printk("pressure %lld milli-kPa\n", sensor_value_to_milli(&value));
	sensor_channel_get(sensor, SENSOR_CHAN_ACCEL_XYZ, xyz);
	printk("gravity %d g\n", sensor_ms2_to_g(&xyz[2]));
	printk("co2: %d\n", sensor_sample_fetch_chan(sensor, SENSOR_CHAN_CO2));
	printk("sampling frequency: %d\n",
	       sensor_attr_set(sensor, SENSOR_CHAN_AMBIENT_TEMP, SENSOR_ATTR_SAMPLING_FREQUENCY,
			       &value));
	sensor_value_from_double(&value, 19.0);
	sensor_attr_set(sensor, SENSOR_CHAN_AMBIENT_TEMP, SENSOR_ATTR_LOWER_THRESH, &value);
	sensor_value_from_double(&value, 23.5);
	sensor_attr_set(sensor, SENSOR_CHAN_AMBIENT_TEMP, SENSOR_ATTR_UPPER_THRESH, &value);
	sensor_attr_get(sensor, SENSOR_CHAN_AMBIENT_TEMP, SENSOR_ATTR_UPPER_THRESH, &value);
	printk("upper threshold %.1f\n", sensor_value_to_double(&value));
	printk("trigger: %d %d\n", sensor_trigger_set(sensor, &threshold, on_threshold),
	       sensor_trigger_set(sensor, &data_ready, on_data));
	k_msleep(500);
	k_thread_create(&user, user_stack, K_THREAD_STACK_SIZEOF(user_stack), user_reads,
			NULL, NULL, NULL, 0, K_USER, K_NO_WAIT);
	k_thread_join(&user, K_FOREVER);
	printk("done\n");
	return 0;
}
