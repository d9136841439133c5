// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture: the required `stop` callback is NULL.
#include "raw_descriptor.hpp"

extern "C" WABOT_EXPORT const wabot_plugin_descriptor* wabot_plugin_v1(void) {
  static const wabot_plugin_descriptor d = [] {
    auto x = fixture::valid_descriptor("missing_callback");
    x.stop = nullptr;
    return x;
  }();
  return &d;
}
