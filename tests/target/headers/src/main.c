/* The suite the other files add their cases to. */
#include <zephyr/ztest.h>

ZTEST_SUITE(headers, NULL, NULL, NULL, NULL, NULL);
