# The file Zephyr's network samples include from their CMakeLists.txt
# (include(${ZEPHYR_BASE}/samples/net/common/common.cmake)): as Zephyr 4's, it puts
# net_sample_common.h on the application's include path and adds wait_for_network()
# (net_sample_common.c, Levante's own).
target_include_directories(app PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_sources(app PRIVATE ${CMAKE_CURRENT_LIST_DIR}/net_sample_common.c)
