/* Sensor drivers (Zephyr's drivers/sensor.h): the board's virtual sensor.
 *
 * sensor_sample_fetch(_chan), sensor_channel_get and sensor_attr_set/get are system
 * calls (a user thread needs a grant on the sensor); sensor_trigger_set is a kernel
 * function whose handler runs in interrupt context.  The readings come from the
 * stimulus script given to `levante run` (`<time> sensor <channel> <value>`). */
#ifndef ZEPHYR_DRIVERS_SENSOR_H
#define ZEPHYR_DRIVERS_SENSOR_H

#include <errno.h>
#include <stdint.h>
#include <zephyr/kernel.h>
#include <zephyr/device.h>

/* A reading: val1 is the integer part, val2 the fractional part in millionths (the
 * same sign as val1, or val1 is 0). */
struct sensor_value {
	int32_t val1;
	int32_t val2;
};

enum sensor_channel {
	SENSOR_CHAN_ACCEL_X,
	SENSOR_CHAN_ACCEL_Y,
	SENSOR_CHAN_ACCEL_Z,
	SENSOR_CHAN_ACCEL_XYZ,
	SENSOR_CHAN_GYRO_X,
	SENSOR_CHAN_GYRO_Y,
	SENSOR_CHAN_GYRO_Z,
	SENSOR_CHAN_GYRO_XYZ,
	SENSOR_CHAN_MAGN_X,
	SENSOR_CHAN_MAGN_Y,
	SENSOR_CHAN_MAGN_Z,
	SENSOR_CHAN_MAGN_XYZ,
	SENSOR_CHAN_DIE_TEMP,
	SENSOR_CHAN_AMBIENT_TEMP,
	SENSOR_CHAN_PRESS,
	SENSOR_CHAN_PROX,
	SENSOR_CHAN_HUMIDITY,
	SENSOR_CHAN_LIGHT,
	SENSOR_CHAN_IR,
	SENSOR_CHAN_RED,
	SENSOR_CHAN_GREEN,
	SENSOR_CHAN_BLUE,
	SENSOR_CHAN_ALTITUDE,
	SENSOR_CHAN_PM_1_0,
	SENSOR_CHAN_PM_2_5,
	SENSOR_CHAN_PM_10,
	SENSOR_CHAN_DISTANCE,
	SENSOR_CHAN_CO2,
	SENSOR_CHAN_O2,
	SENSOR_CHAN_VOC,
	SENSOR_CHAN_GAS_RES,
	SENSOR_CHAN_VOLTAGE,
	SENSOR_CHAN_VSHUNT,
	SENSOR_CHAN_CURRENT,
	SENSOR_CHAN_POWER,
	SENSOR_CHAN_RESISTANCE,
	SENSOR_CHAN_ROTATION,
	SENSOR_CHAN_POS_DX,
	SENSOR_CHAN_POS_DY,
	SENSOR_CHAN_POS_DZ,
	SENSOR_CHAN_POS_DXYZ,
	SENSOR_CHAN_RPM,
	SENSOR_CHAN_GAUGE_VOLTAGE,
	SENSOR_CHAN_GAUGE_AVG_CURRENT,
	SENSOR_CHAN_GAUGE_STDBY_CURRENT,
	SENSOR_CHAN_GAUGE_MAX_LOAD_CURRENT,
	SENSOR_CHAN_GAUGE_TEMP,
	SENSOR_CHAN_GAUGE_STATE_OF_CHARGE,
	SENSOR_CHAN_GAUGE_FULL_CHARGE_CAPACITY,
	SENSOR_CHAN_GAUGE_REMAINING_CHARGE_CAPACITY,
	SENSOR_CHAN_GAUGE_NOM_AVAIL_CAPACITY,
	SENSOR_CHAN_GAUGE_FULL_AVAIL_CAPACITY,
	SENSOR_CHAN_GAUGE_AVG_POWER,
	SENSOR_CHAN_GAUGE_STATE_OF_HEALTH,
	SENSOR_CHAN_GAUGE_TIME_TO_EMPTY,
	SENSOR_CHAN_GAUGE_TIME_TO_FULL,
	SENSOR_CHAN_GAUGE_CYCLE_COUNT,
	SENSOR_CHAN_GAUGE_DESIGN_VOLTAGE,
	SENSOR_CHAN_GAUGE_DESIRED_VOLTAGE,
	SENSOR_CHAN_GAUGE_DESIRED_CHARGING_CURRENT,
	SENSOR_CHAN_ALL,
	SENSOR_CHAN_COMMON_COUNT,
	SENSOR_CHAN_PRIV_START = SENSOR_CHAN_COMMON_COUNT,
	SENSOR_CHAN_MAX = INT16_MAX,
};
BUILD_ASSERT(SENSOR_CHAN_ALL == 60, "the kernel's channel numbers");

enum sensor_trigger_type {
	SENSOR_TRIG_TIMER,
	SENSOR_TRIG_DATA_READY,
	SENSOR_TRIG_DELTA,
	SENSOR_TRIG_NEAR_FAR,
	SENSOR_TRIG_THRESHOLD,
	SENSOR_TRIG_TAP,
	SENSOR_TRIG_DOUBLE_TAP,
	SENSOR_TRIG_FREEFALL,
	SENSOR_TRIG_MOTION,
	SENSOR_TRIG_STATIONARY,
	SENSOR_TRIG_FIFO_WATERMARK,
	SENSOR_TRIG_FIFO_FULL,
	SENSOR_TRIG_COMMON_COUNT,
	SENSOR_TRIG_PRIV_START = SENSOR_TRIG_COMMON_COUNT,
	SENSOR_TRIG_MAX = INT16_MAX,
};

struct sensor_trigger {
	enum sensor_trigger_type type;
	enum sensor_channel chan;
};

enum sensor_attribute {
	SENSOR_ATTR_SAMPLING_FREQUENCY,
	SENSOR_ATTR_LOWER_THRESH,
	SENSOR_ATTR_UPPER_THRESH,
	SENSOR_ATTR_SLOPE_TH,
	SENSOR_ATTR_SLOPE_DUR,
	SENSOR_ATTR_HYSTERESIS,
	SENSOR_ATTR_OVERSAMPLING,
	SENSOR_ATTR_FULL_SCALE,
	SENSOR_ATTR_OFFSET,
	SENSOR_ATTR_CALIB_TARGET,
	SENSOR_ATTR_CONFIGURATION,
	SENSOR_ATTR_CALIBRATION,
	SENSOR_ATTR_FEATURE_MASK,
	SENSOR_ATTR_ALERT,
	SENSOR_ATTR_FF_DUR,
	SENSOR_ATTR_BATCH_DURATION,
	SENSOR_ATTR_COMMON_COUNT,
	SENSOR_ATTR_PRIV_START = SENSOR_ATTR_COMMON_COUNT,
	SENSOR_ATTR_MAX = INT16_MAX,
};

#define SENSOR_G 9806650LL  /* standard gravity, in micro m/s^2 */
#define SENSOR_PI 3141592LL /* pi, in millionths */

static inline double sensor_value_to_double(const struct sensor_value *val)
{
	return (double)val->val1 + (double)val->val2 / 1000000;
}

static inline float sensor_value_to_float(const struct sensor_value *val)
{
	return (float)val->val1 + (float)val->val2 / 1000000;
}

static inline int sensor_value_from_double(struct sensor_value *val, double inp)
{
	if (inp < (double)INT32_MIN || inp > (double)INT32_MAX) {
		return -ERANGE;
	}
	int32_t whole = (int32_t)inp;

	val->val1 = whole;
	val->val2 = (int32_t)((inp - (double)whole) * 1000000.0);
	return 0;
}

static inline int sensor_value_from_float(struct sensor_value *val, float inp)
{
	return sensor_value_from_double(val, (double)inp);
}

static inline int64_t sensor_value_to_milli(const struct sensor_value *val)
{
	return ((int64_t)val->val1 * 1000) + val->val2 / 1000;
}

static inline int64_t sensor_value_to_micro(const struct sensor_value *val)
{
	return ((int64_t)val->val1 * 1000000) + val->val2;
}

static inline int sensor_value_from_milli(struct sensor_value *val, int64_t milli)
{
	if (milli < ((int64_t)INT32_MIN - 1) * 1000LL || milli > ((int64_t)INT32_MAX + 1) * 1000LL) {
		return -ERANGE;
	}
	val->val1 = (int32_t)(milli / 1000);
	val->val2 = (int32_t)(milli % 1000) * 1000;
	return 0;
}

static inline int sensor_value_from_micro(struct sensor_value *val, int64_t micro)
{
	if (micro < ((int64_t)INT32_MIN - 1) * 1000000LL ||
	    micro > ((int64_t)INT32_MAX + 1) * 1000000LL) {
		return -ERANGE;
	}
	val->val1 = (int32_t)(micro / 1000000LL);
	val->val2 = (int32_t)(micro % 1000000LL);
	return 0;
}

static inline int32_t sensor_ms2_to_g(const struct sensor_value *ms2)
{
	int64_t micro_ms2 = sensor_value_to_micro(ms2);

	return (int32_t)(micro_ms2 / SENSOR_G);
}

static inline void sensor_g_to_ms2(int32_t g, struct sensor_value *ms2)
{
	ms2->val1 = (int32_t)(((int64_t)g * SENSOR_G) / 1000000LL);
	ms2->val2 = (int32_t)(((int64_t)g * SENSOR_G) % 1000000LL);
}

static inline int32_t sensor_rad_to_degrees(const struct sensor_value *rad)
{
	int64_t micro_rad = sensor_value_to_micro(rad);

	return (int32_t)((micro_rad * 180LL) / SENSOR_PI);
}

static inline void sensor_degrees_to_rad(int32_t d, struct sensor_value *rad)
{
	rad->val1 = (int32_t)(((int64_t)d * SENSOR_PI / 180LL) / 1000000LL);
	rad->val2 = (int32_t)(((int64_t)d * SENSOR_PI / 180LL) % 1000000LL);
}

#endif
