// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture: built against ABI major 2.
#include "raw_descriptor.hpp"

extern "C" WABOT_EXPORT const wabot_plugin_descriptor* wabot_plugin_v1(void) {
  static const wabot_plugin_descriptor d = [] {
    auto x = fixture::valid_descriptor("abi_major_mismatch");
    x.abi_major = WABOT_ABI_VERSION_MAJOR + 1;
    return x;
  }();
  return &d;
}
