// SPDX-License-Identifier: GPL-3.0-or-later
// AgentActivityRepository: an upsert that adds to the counters, and a primary-key read.
#include "host/store/agent_activity_repository.hpp"

namespace wabot::store {

Status AgentActivityRepository::add(Connection& c, std::string_view agent_id, const ActivityDelta& d) {
  // The newer of the stored and the new activity time: GREATEST in PostgreSQL, the scalar MAX in SQLite.
  const std::string newest = c.dialect() == Dialect::postgres
                                 ? "GREATEST(COALESCE(agent_activity.last_activity_ms, 0), excluded.last_activity_ms)"
                                 : "MAX(COALESCE(agent_activity.last_activity_ms, 0), excluded.last_activity_ms)";
  auto done = c.execute(
      "INSERT INTO agent_activity (agent_id, incoming_messages, outgoing_messages, ai_executions, last_activity_ms)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (agent_id) DO UPDATE SET"
      " incoming_messages = agent_activity.incoming_messages + excluded.incoming_messages,"
      " outgoing_messages = agent_activity.outgoing_messages + excluded.outgoing_messages,"
      " ai_executions = agent_activity.ai_executions + excluded.ai_executions,"
      " last_activity_ms = " + newest,
      {std::string(agent_id), d.incoming_messages, d.outgoing_messages, d.ai_executions, d.activity_ms});
  if (!done) return done.error().with_context("failed to count the activity of agent " + std::string(agent_id));
  return {};
}

Result<std::optional<AgentActivity>> AgentActivityRepository::get(std::string_view agent_id) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT incoming_messages, outgoing_messages, ai_executions, last_activity_ms FROM agent_activity"
        " WHERE agent_id = $1",
        {std::string(agent_id)});
  });
  if (!rows) return rows.error().with_context("failed to read the activity of agent " + std::string(agent_id));
  if (rows->empty()) return std::optional<AgentActivity>{};
  const Row& r = rows->front();
  AgentActivity a;
  a.incoming_messages = r.int64(0);
  a.outgoing_messages = r.int64(1);
  a.ai_executions = r.int64(2);
  a.last_activity_ms = r.opt_int64(3);
  return std::optional<AgentActivity>{a};
}

}  // namespace wabot::store
