# SPDX-License-Identifier: MIT
# cmake -P script for the test sdk_example_out_of_tree (see CMakeLists.txt): install → configure →
# build → ctest, failing on the first step that fails.
foreach(var BUILD_DIR EXAMPLE_DIR WORK_DIR CXX_COMPILER)
  if(NOT ${var})
    message(FATAL_ERROR "${var} is required")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
set(build ${WORK_DIR}/build)

function(step name)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name} failed (${rc}):\n${out}\n${err}")
  endif()
  message(STATUS "${name}: ok")
endfunction()

step("install the SDK" ${CMAKE_COMMAND} --install ${BUILD_DIR} --component wabot_sdk --prefix ${prefix})
file(GLOB_RECURSE config_file ${prefix}/*/wabot-sdkConfig.cmake)
if(NOT EXISTS ${prefix}/include/wabot/abi.h OR NOT config_file)
  file(GLOB_RECURSE installed RELATIVE ${prefix} ${prefix}/*)
  message(FATAL_ERROR "the install lacks abi.h or the package config: ${installed}")
endif()
# Only the temp prefix is on the search path: the example cannot see the source tree.
step("configure the example" ${CMAKE_COMMAND} -S ${EXAMPLE_DIR} -B ${build}
     -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release
     # The installed headers must stay warning-free under strict flags a third party may use.
     "-DCMAKE_CXX_FLAGS=-Werror -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion")
step("build the example" ${CMAKE_COMMAND} --build ${build} -j 2)
if(NOT EXISTS ${build}/echo_handler.so)
  message(FATAL_ERROR "the example did not produce echo_handler.so")
endif()
step("test the example" ${CMAKE_CTEST_COMMAND} --test-dir ${build} --output-on-failure)
