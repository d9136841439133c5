// SPDX-License-Identifier: GPL-3.0-or-later
// The ABI handshake: whether a plugin's descriptor can be used by this host (OBS's habit: a plugin
// built against a newer API is refused, patch levels are ignored, a missing required callback is named).
#pragma once

#include <wabot/abi.h>

#include <cstddef>
#include <string>

namespace wabot::plugins {

// Where the v1.0 required fields end: a shorter descriptor cannot be used.
constexpr std::size_t required_descriptor_size = offsetof(wabot_plugin_descriptor, destroy) + sizeof(void*);

// Empty when `descriptor` is acceptable, else the reason for the refusal log line. Reads no field
// beyond the descriptor's struct_size.
std::string check_descriptor(const wabot_plugin_descriptor* descriptor);

}  // namespace wabot::plugins
