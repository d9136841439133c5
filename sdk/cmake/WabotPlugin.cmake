# SPDX-License-Identifier: MIT
# wabot_add_plugin(<name> SOURCES a.cpp ... [LIBS lib ...] [OUTPUT_DIRECTORY dir] [EXPORTS sym ...])
# Builds <name>.so as a loadable wabot plugin: a MODULE library without the "lib" prefix, only the
# entry point exported (hidden visibility plus a version script, which also hides what header-only
# code of other libraries marks visible), and every symbol resolved at link time (--no-undefined), so a
# missing dependency fails the build instead of the host's dlopen. EXPORTS replaces the exported list
# (default: wabot_plugin_v1).
function(wabot_add_plugin name)
  cmake_parse_arguments(P "" "OUTPUT_DIRECTORY" "SOURCES;LIBS;EXPORTS" ${ARGN})
  if(NOT P_EXPORTS)
    set(P_EXPORTS wabot_plugin_v1)
  endif()
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
    list(JOIN P_EXPORTS "; " globals)
    set(script ${CMAKE_CURRENT_BINARY_DIR}/${name}.exports.map)
    file(WRITE ${script} "{\n  global: ${globals};\n  local: *;\n};\n")
    target_link_options(${name} PRIVATE -Wl,--no-undefined -Wl,--version-script=${script})
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${script})
  endif()
endfunction()
