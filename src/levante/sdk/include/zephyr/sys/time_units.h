/* Time unit constants (Zephyr's sys/time_units.h). */
#ifndef ZEPHYR_SYS_TIME_UNITS_H
#define ZEPHYR_SYS_TIME_UNITS_H

#define SEC_PER_MIN 60U
#define MIN_PER_HOUR 60U
#define SEC_PER_HOUR (SEC_PER_MIN * MIN_PER_HOUR)
#define MSEC_PER_SEC 1000
#define USEC_PER_MSEC 1000
#define USEC_PER_SEC 1000000
#define NSEC_PER_USEC 1000U
#define NSEC_PER_MSEC 1000000U
#define NSEC_PER_SEC 1000000000U
#define PSEC_PER_NSEC 1000UL

#endif
