// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture: a descriptor whose struct_size ends before the required `destroy`.
#include "raw_descriptor.hpp"

#include <cstddef>

extern "C" WABOT_EXPORT const wabot_plugin_descriptor* wabot_plugin_v1(void) {
  static const wabot_plugin_descriptor d = [] {
    auto x = fixture::valid_descriptor("short_struct");
    x.struct_size = offsetof(wabot_plugin_descriptor, stop);
    return x;
  }();
  return &d;
}
