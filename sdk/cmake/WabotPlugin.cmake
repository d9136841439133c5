# SPDX-License-Identifier: MIT
# wabot_add_plugin(<name> SOURCES a.cpp ... [LIBS lib ...] [OUTPUT_DIRECTORY dir])
# Builds <name>.so as a loadable wabot plugin: a MODULE library without the "lib" prefix, only the
# entry point exported (hidden visibility), and every symbol resolved at link time (--no-undefined),
# so a missing dependency fails the build instead of the host's dlopen.
function(wabot_add_plugin name)
  cmake_parse_arguments(P "" "OUTPUT_DIRECTORY" "SOURCES;LIBS" ${ARGN})
  add_library(${name} MODULE ${P_SOURCES})
  target_link_libraries(${name} PRIVATE wabot::sdk ${P_LIBS})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    SUFFIX ".so"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(P_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${P_OUTPUT_DIRECTORY})
  endif()
  if(NOT APPLE)
    target_link_options(${name} PRIVATE -Wl,--no-undefined)
  endif()
endfunction()
