/* <zephyr/logging/log.h>: the hexdumps, LOG_PRINTK and LOG_WRN_ONCE; test_headers.py
 * reads the console lines they print. */
#include <zephyr/ztest.h>
#include <zephyr/logging/log.h>

LOG_MODULE_REGISTER(dump, LOG_LEVEL_INF);

ZTEST(headers, test_log_hexdumps)
{
	static const uint8_t bytes[20] = "Levante\x01\x02\x7f hexdump!";

	LOG_HEXDUMP_INF(bytes, sizeof(bytes), "twenty bytes");
	LOG_HEXDUMP_ERR(bytes, 3, "three bytes");
	LOG_HEXDUMP_DBG(bytes, 3, "above the module's level: not printed");
	LOG_PRINTK("through logging %d\n", 7);
	for (int i = 0; i < 2; i++) {
		LOG_WRN_ONCE("warned once");
	}
	LOG_PANIC();
	zassert_false(LOG_PROCESS(), "nothing is ever left to write");
}
