/* Fixed-width integer types, as Zephyr applications expect them. */
#ifndef ZEPHYR_TYPES_H
#define ZEPHYR_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#endif
