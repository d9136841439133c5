// SPDX-License-Identifier: GPL-3.0-or-later
// HealthBackend: the component health the host's "health" service reports (database reachability,
// WhatsApp session counts and engine health), supplied by the store and sessions layers.
#pragma once

#include <wabot/abi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace wabot::plugins {

struct DatabaseHealth {
  wabot_component_state state = WABOT_COMPONENT_UNSET;
  std::string detail;  // why it is down; never a connection string or password
};

// (ABI 1.2) The engine health of one agent with a live session.
struct AgentHealth {
  std::string agent_id;
  uint64_t decrypt_failures = 0;  // undecryptable inbound messages since the host started
  uint64_t sends_queued = 0;      // sends waiting in the agent's send limiter now
};

struct SessionCounts {
  uint64_t sessions = 0;
  uint64_t connected = 0;
  // (ABI 1.2) Engine health. decrypt_failures is the host-wide total (it keeps the counts of removed
  // agents, so it never goes down); sends_queued is the sum over `agents`.
  uint64_t decrypt_failures = 0;
  uint64_t sends_queued = 0;
  std::vector<AgentHealth> agents{};  // sorted by agent id
};

class HealthBackend {
 public:
  virtual ~HealthBackend() = default;
  virtual DatabaseHealth database() = 0;  // may run a cheap query; must return quickly
  virtual SessionCounts sessions() = 0;
};

}  // namespace wabot::plugins
