// SPDX-License-Identifier: GPL-3.0-or-later
// Per-agent activity counters (`agent_activity`): the session stats of GET /sessions/{id} in one
// primary-key read, kept in step with the message and AI execution logs by their appends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host/store/connection.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

struct AgentActivity {
  std::int64_t incoming_messages = 0;
  std::int64_t outgoing_messages = 0;
  std::int64_t ai_executions = 0;
  std::optional<std::int64_t> last_activity_ms;  // the newest message timestamp or AI call
};

// What one log append adds to an agent's counters.
struct ActivityDelta {
  std::int64_t incoming_messages = 0;
  std::int64_t outgoing_messages = 0;
  std::int64_t ai_executions = 0;
  std::int64_t activity_ms = 0;
};

class AgentActivityRepository {
 public:
  explicit AgentActivityRepository(Database& db) : db_(db) {}

  // Adds delta to the agent's row (created at zero). Call inside the transaction of the log append
  // it accounts for, so the counters never drift from the logs.
  static Status add(Connection& c, std::string_view agent_id, const ActivityDelta& delta);
  // The agent's counters; empty when it has no logged activity.
  Result<std::optional<AgentActivity>> get(std::string_view agent_id);

 private:
  Database& db_;
};

}  // namespace wabot::store
