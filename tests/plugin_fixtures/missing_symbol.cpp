// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture: a library that exports no wabot_plugin_v1 (its entry point is misnamed).
#include "raw_descriptor.hpp"

extern "C" WABOT_EXPORT const wabot_plugin_descriptor* wabot_plugin_v0(void) {
  static const wabot_plugin_descriptor d = fixture::valid_descriptor("missing_symbol");
  return &d;
}
