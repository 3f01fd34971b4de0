# The Zephyr version whose API Levante follows: find_package(Zephyr 3.7) and older
# requests are compatible, newer ones are not.
include(${CMAKE_CURRENT_LIST_DIR}/../../../levante_version.cmake)
set(PACKAGE_VERSION ${LEVANTE_ZEPHYR_VERSION})
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
