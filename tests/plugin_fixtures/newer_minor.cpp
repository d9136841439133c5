// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture: built against a newer ABI minor than the host's.
#include "raw_descriptor.hpp"

extern "C" WABOT_EXPORT const wabot_plugin_descriptor* wabot_plugin_v1(void) {
  static const wabot_plugin_descriptor d = [] {
    auto x = fixture::valid_descriptor("newer_minor");
    x.abi_minor = WABOT_ABI_VERSION_MINOR + 1;
    return x;
  }();
  return &d;
}
