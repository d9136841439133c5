// SPDX-License-Identifier: GPL-3.0-or-later
// HealthBackend: the component health the host's "health" service reports (database reachability,
// WhatsApp session counts), supplied by the store and sessions layers.
#pragma once

#include <wabot/abi.h>

#include <cstdint>
#include <string>

namespace wabot::plugins {

struct DatabaseHealth {
  wabot_component_state state = WABOT_COMPONENT_UNSET;
  std::string detail;  // why it is down; never a connection string or password
};

struct SessionCounts {
  uint64_t sessions = 0;
  uint64_t connected = 0;
};

class HealthBackend {
 public:
  virtual ~HealthBackend() = default;
  virtual DatabaseHealth database() = 0;  // may run a cheap query; must return quickly
  virtual SessionCounts sessions() = 0;
};

}  // namespace wabot::plugins
