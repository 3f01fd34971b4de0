/* Entropy drivers (Zephyr's drivers/entropy.h): read the board's TRNG. */
#ifndef ZEPHYR_DRIVERS_ENTROPY_H
#define ZEPHYR_DRIVERS_ENTROPY_H

#include <zephyr/kernel.h>
#include <zephyr/device.h>


/* entropy_get_entropy(dev, buffer, length) is a system call: it fills buffer with
 * length bytes from the device and returns 0, or a negative errno. A user thread needs
 * a grant for the device (k_object_access_grant), as for any kernel object. */

#endif
