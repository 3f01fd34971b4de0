# Levante's CMake package for Zephyr applications: what an application's
# find_package(Zephyr REQUIRED HINTS $ENV{ZEPHYR_BASE}) finds when `levante build`
# runs its CMakeLists.txt.  It sets the Arm toolchain up, creates the `app` target
# and the zephyr_* functions applications call, and at the end of configuration
# lists every object file for Levante's link (levante build links them with the
# Levante runtime, laying out memory partitions for the board's MPU).
include_guard(GLOBAL)

if(NOT DEFINED LEVANTE_BUILD_INFO)
  message(FATAL_ERROR
    "This is Levante's Zephyr package: build the application with `levante build APP`.")
endif()
# The compiler, its options, the board and every CONFIG_ symbol (written by levante build).
include(${LEVANTE_BUILD_INFO})

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(ARCH arm)  # Zephyr's architecture name: both boards are Arm
set(CMAKE_C_COMPILER ${LEVANTE_C_COMPILER})
set(CMAKE_CXX_COMPILER ${LEVANTE_CXX_COMPILER})
set(CMAKE_ASM_COMPILER ${LEVANTE_C_COMPILER})
# A bare-metal toolchain cannot link a test program without a board's startup code:
# CMake's trial builds make static libraries instead.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

set(APPLICATION_SOURCE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
set(APPLICATION_BINARY_DIR ${CMAKE_CURRENT_BINARY_DIR})
set(ZEPHYR_BINARY_DIR ${CMAKE_CURRENT_BINARY_DIR}/zephyr)
set(ZEPHYR_CURRENT_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})
# The tree apps name as ${ZEPHYR_BASE}: Levante's, which holds the kernel-internal headers
# Zephyr's tests include from ${ZEPHYR_BASE}/kernel/include.
get_filename_component(ZEPHYR_BASE ${CMAKE_CURRENT_LIST_DIR}/../../.. ABSOLUTE)
set(Zephyr_FOUND TRUE)

include(${CMAKE_CURRENT_LIST_DIR}/../../../levante_version.cmake)
project(Levante-Kernel VERSION ${LEVANTE_ZEPHYR_VERSION} LANGUAGES C ASM)

# What every Zephyr library of the application compiles with (Zephyr's zephyr_interface).
add_library(zephyr_interface INTERFACE)
target_compile_options(zephyr_interface INTERFACE ${LEVANTE_COMPILE_OPTIONS})
# Files an application generates there (generate_inc_file_for_target's usual target)
# are included by name, as Zephyr puts that directory on every include path.
target_include_directories(zephyr_interface INTERFACE ${ZEPHYR_BINARY_DIR}/include/generated)

# Libraries whose objects go into the link, in the order they were made.
function(_levante_library name)
  add_library(${name} OBJECT)
  target_link_libraries(${name} PUBLIC zephyr_interface)
  set_property(GLOBAL APPEND PROPERTY LEVANTE_LIBRARIES ${name})
endfunction()

_levante_library(app)

# ---- the zephyr_* functions -------------------------------------------------------------

function(zephyr_sources)
  target_sources(app PRIVATE ${ARGN})
endfunction()

function(zephyr_include_directories)
  foreach(directory ${ARGN})
    get_filename_component(absolute ${directory} ABSOLUTE)
    target_include_directories(zephyr_interface INTERFACE ${absolute})
  endforeach()
endfunction()

function(zephyr_system_include_directories)
  foreach(directory ${ARGN})
    get_filename_component(absolute ${directory} ABSOLUTE)
    target_include_directories(zephyr_interface SYSTEM INTERFACE ${absolute})
  endforeach()
endfunction()

function(zephyr_compile_definitions)
  target_compile_definitions(zephyr_interface INTERFACE ${ARGN})
endfunction()

function(zephyr_compile_options)
  target_compile_options(zephyr_interface INTERFACE ${ARGN})
endfunction()

function(zephyr_link_libraries)
  target_link_libraries(zephyr_interface INTERFACE ${ARGN})
endfunction()

function(zephyr_ld_options)
  # The link is Levante's (its memory map and MPU partitions): linker options are
  # not taken from applications.
  message(WARNING "zephyr_ld_options(${ARGN}): Levante links with its own options; ignored")
endfunction()

# zephyr_library(): a library named after its folder, relative to the application.
macro(zephyr_library)
  file(RELATIVE_PATH _levante_relative ${APPLICATION_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  string(REGEX REPLACE "[/.]" "__" _levante_name "${_levante_relative}")
  if(_levante_name STREQUAL "")
    set(_levante_name app_library)
  endif()
  zephyr_library_named(${_levante_name})
endmacro()

macro(zephyr_library_named name)
  set(ZEPHYR_CURRENT_LIBRARY ${name})
  _levante_library(${name})
endmacro()

macro(zephyr_library_amend)
  zephyr_library()
endmacro()

function(zephyr_library_sources)
  target_sources(${ZEPHYR_CURRENT_LIBRARY} PRIVATE ${ARGN})
endfunction()

function(zephyr_library_include_directories)
  target_include_directories(${ZEPHYR_CURRENT_LIBRARY} PRIVATE ${ARGN})
endfunction()

function(zephyr_library_compile_definitions)
  target_compile_definitions(${ZEPHYR_CURRENT_LIBRARY} PRIVATE ${ARGN})
endfunction()

function(zephyr_library_compile_options)
  target_compile_options(${ZEPHYR_CURRENT_LIBRARY} PRIVATE ${ARGN})
endfunction()

function(zephyr_library_link_libraries)
  target_link_libraries(${ZEPHYR_CURRENT_LIBRARY} PUBLIC ${ARGN})
endfunction()

# ---- the application's additions to Levante's linker script ----------------------------

# zephyr_linker_sources(<location> [SORT_KEY <key>] <files>): linker-script text put at a
# named place of Levante's script (sdk/linker/levante.ld.in); levante build runs the C
# preprocessor over it (with <zephyr/linker/iterable_sections.h> and the CONFIG_ macros).
set(LEVANTE_LINKER_LOCATIONS ROM_START ROM_SECTIONS RODATA RAM_SECTIONS DATA_SECTIONS
    NOINIT SECTIONS)
function(zephyr_linker_sources location)
  if(NOT location IN_LIST LEVANTE_LINKER_LOCATIONS)
    message(FATAL_ERROR "zephyr_linker_sources(${location}): Levante's linker script has "
      "no place ${location} (it has ${LEVANTE_LINKER_LOCATIONS})")
  endif()
  cmake_parse_arguments(PARSE_ARGV 1 LINKER "" "SORT_KEY" "")
  if(NOT DEFINED LINKER_SORT_KEY)
    set(LINKER_SORT_KEY default)
  endif()
  if(NOT LINKER_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "zephyr_linker_sources(${location}): no file given")
  endif()
  foreach(file ${LINKER_UNPARSED_ARGUMENTS})
    get_filename_component(absolute ${file} ABSOLUTE)
    if(NOT EXISTS ${absolute})
      message(FATAL_ERROR "zephyr_linker_sources(${location}): ${file} does not exist")
    endif()
    set_property(GLOBAL APPEND PROPERTY LEVANTE_LINKER_LINES
      "source\t${location}\t${LINKER_SORT_KEY}\t${absolute}")
  endforeach()
endfunction()

# zephyr_iterable_section(NAME <name> GROUP|VMA <region> [LMA <region>] [NUMERIC]
# [SUBALIGN <alignment>] [ALIGN_WITH_INPUT]): declares the iterable section of struct
# type <name> (_<name>_list_start.._end) even when no object defines a record: in RAM for
# the DATA, RAM and NOINIT regions, in flash for the others.
function(zephyr_iterable_section)
  cmake_parse_arguments(PARSE_ARGV 0 SECTION "NUMERIC;ALIGN_WITH_INPUT"
    "NAME;GROUP;VMA;LMA;SUBALIGN" "")
  if(NOT SECTION_NAME)
    message(FATAL_ERROR "zephyr_iterable_section: NAME <struct type> is required")
  endif()
  if(SECTION_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "zephyr_iterable_section(${SECTION_NAME}): unknown arguments "
      "${SECTION_UNPARSED_ARGUMENTS}")
  endif()
  set(region ${SECTION_GROUP})
  if(NOT region)
    set(region ${SECTION_VMA})
  endif()
  if(NOT region)
    message(FATAL_ERROR "zephyr_iterable_section(${SECTION_NAME}): GROUP or VMA is required")
  endif()
  if(NOT DEFINED SECTION_SUBALIGN)
    set(SECTION_SUBALIGN CONFIG_LINKER_ITERABLE_SUBALIGN)
  endif()
  set(numeric "")
  if(SECTION_NUMERIC)
    set(numeric numeric)
  endif()
  set_property(GLOBAL APPEND PROPERTY LEVANTE_LINKER_LINES
    "iterable\t${SECTION_NAME}\t${region}\t${SECTION_SUBALIGN}\t${numeric}")
endfunction()

# ---- the conditional forms: `_ifdef` when the feature variable is true, `_ifndef` when not

foreach(_levante_function
    zephyr_sources zephyr_include_directories zephyr_system_include_directories
    zephyr_compile_definitions zephyr_compile_options zephyr_link_libraries
    zephyr_library_sources zephyr_library_include_directories
    zephyr_library_compile_definitions zephyr_library_compile_options
    zephyr_library_link_libraries)
  cmake_language(EVAL CODE "
    function(${_levante_function}_ifdef feature)
      if(\${\${feature}})
        ${_levante_function}(\${ARGN})
      endif()
    endfunction()
    function(${_levante_function}_ifndef feature)
      if(NOT \${\${feature}})
        ${_levante_function}(\${ARGN})
      endif()
    endfunction()
  ")
endforeach()

function(target_sources_ifdef feature target scope)
  if(${${feature}})
    target_sources(${target} ${scope} ${ARGN})
  endif()
endfunction()

function(target_sources_ifndef feature target scope)
  if(NOT ${${feature}})
    target_sources(${target} ${scope} ${ARGN})
  endif()
endfunction()

function(target_compile_definitions_ifdef feature target scope)
  if(${${feature}})
    target_compile_definitions(${target} ${scope} ${ARGN})
  endif()
endfunction()

function(target_include_directories_ifdef feature target scope)
  if(${${feature}})
    target_include_directories(${target} ${scope} ${ARGN})
  endif()
endfunction()

macro(add_subdirectory_ifdef feature directory)
  if(${${feature}})
    add_subdirectory(${directory})
  endif()
endmacro()

macro(zephyr_library_ifdef feature)
  if(${${feature}})
    zephyr_library()
  endif()
endmacro()

# ---- generated include files (a file's bytes as a C initialiser list) ------------------

function(generate_inc_file source_file generated_file)
  get_filename_component(source ${source_file} ABSOLUTE)
  add_custom_command(
    OUTPUT ${generated_file}
    COMMAND ${LEVANTE_PYTHON} -m levante.sdk.inc_file ${source} ${generated_file} ${ARGN}
    DEPENDS ${source}
    COMMENT "Generating ${generated_file}"
  )
endfunction()

function(generate_inc_file_for_gen_target target source_file generated_file gen_target)
  generate_inc_file(${source_file} ${generated_file} ${ARGN})
  add_dependencies(${target} ${gen_target})
endfunction()

function(generate_inc_file_for_target target source_file generated_file)
  generate_inc_file(${source_file} ${generated_file} ${ARGN})
  string(MAKE_C_IDENTIFIER "${generated_file}" generated_target)
  add_custom_target(${generated_target} DEPENDS ${generated_file})
  add_dependencies(${target} ${generated_target})
endfunction()

# ---- the end of configuration: the object files levante build links ---------------------

function(_levante_list_objects)
  get_property(libraries GLOBAL PROPERTY LEVANTE_LIBRARIES)
  set(content "")
  foreach(library ${libraries})
    get_target_property(sources ${library} SOURCES)
    if(NOT sources)
      # A library whose conditional sources all fell away: nothing to link.
      target_sources(${library} PRIVATE ${LEVANTE_EMPTY_SOURCE})
    endif()
    string(APPEND content "$<JOIN:$<TARGET_OBJECTS:${library}>,\n>\n")
  endforeach()
  file(GENERATE OUTPUT ${LEVANTE_OBJECTS_FILE} CONTENT "${content}")
  get_property(linker_lines GLOBAL PROPERTY LEVANTE_LINKER_LINES)
  list(JOIN linker_lines "\n" linker_text)
  file(WRITE ${LEVANTE_LINKER_FILE} "${linker_text}\n")
endfunction()

cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _levante_list_objects)
