# The file Zephyr's network samples include from their CMakeLists.txt
# (include(${ZEPHYR_BASE}/samples/net/common/common.cmake)). In the release whose
# samples Levante builds it defines no routine and adds no source, so including it
# changes nothing; it exists so that those CMakeLists.txt files work unchanged.
