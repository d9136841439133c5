// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the raw fixtures (written against abi.h only, without the C++ wrappers, so they can break
// the rules on purpose): a valid v1 descriptor with no-op hooks, for each fixture to spoil one way.
#pragma once

#include <wabot/abi.h>

namespace fixture {

inline wabot_status create_ok(const wabot_host_api*, wabot_host*, wabot_plugin_state** out_state) {
  *out_state = nullptr;
  return WABOT_OK;
}
inline wabot_status start_ok(wabot_plugin_state*) { return WABOT_OK; }
inline wabot_status stop_ok(wabot_plugin_state*) { return WABOT_OK; }
inline void destroy_ok(wabot_plugin_state*) {}

inline wabot_plugin_descriptor valid_descriptor(const char* name) {
  wabot_plugin_descriptor d{};
  d.struct_size = sizeof(d);
  d.abi_major = WABOT_ABI_VERSION_MAJOR;
  d.abi_minor = WABOT_ABI_VERSION_MINOR;
  d.name = name;
  d.version = "0.0.1";
  d.create = &create_ok;
  d.start = &start_ok;
  d.stop = &stop_ok;
  d.destroy = &destroy_ok;
  return d;
}

}  // namespace fixture
