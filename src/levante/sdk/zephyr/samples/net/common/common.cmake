# The file Zephyr's network samples include from their CMakeLists.txt
# (include(${ZEPHYR_BASE}/samples/net/common/common.cmake)). Zephyr 3.7's adds nothing;
# Zephyr 4's samples (mqtt_publisher among them) include "net_sample_common.h" and call
# wait_for_network(), which Levante's net_sample_common.c here provides.
target_include_directories(app PRIVATE ${ZEPHYR_BASE}/samples/net/common)
target_sources(app PRIVATE ${ZEPHYR_BASE}/samples/net/common/net_sample_common.c)
