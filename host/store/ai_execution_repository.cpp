// SPDX-License-Identifier: GPL-3.0-or-later
// AiExecutionRepository: append-only log plus counts for the session stats.
#include "host/store/ai_execution_repository.hpp"

#include "host/store/agent_activity_repository.hpp"

namespace wabot::store {

Status AiExecutionRepository::append(const AiExecution& e) {
  if (e.agent_id.empty()) return make_error(ErrorCode::invalid_argument, "an AI execution needs an agent_id");
  const std::int64_t now_ms = clock_();
  // The row and the agent's activity counters change together.
  auto done = db_.transaction([&](Connection& c) -> Result<std::uint64_t> {
    auto inserted = c.execute(
        "INSERT INTO ai_executions (agent_id, trace_id, session_id, source, input, reply, status, http_status,"
        " error, latency_ms, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        {e.agent_id, e.trace_id, e.session_id, e.source, e.input, sql_optional(e.reply), e.status,
         sql_optional(e.http_status), sql_optional(e.error), e.latency_ms, now_ms});
    if (!inserted) return inserted;
    ActivityDelta delta;
    delta.ai_executions = 1;
    delta.activity_ms = now_ms;
    if (auto counted = AgentActivityRepository::add(c, e.agent_id, delta); !counted) return counted.error();
    return inserted;
  });
  if (!done) return done.error().with_context("failed to log the AI execution " + e.trace_id + " of agent " + e.agent_id);
  return {};
}

Result<std::int64_t> AiExecutionRepository::count(std::string_view agent_id) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query("SELECT COUNT(*) FROM ai_executions WHERE agent_id = $1", {std::string(agent_id)});
  });
  if (!rows) return rows.error().with_context("failed to count the AI executions of agent " + std::string(agent_id));
  return rows->empty() ? 0 : rows->front().int64(0);
}

Result<std::vector<AiExecution>> AiExecutionRepository::latest(std::string_view agent_id, int limit) {
  if (limit < 1 || limit > 500) return make_error(ErrorCode::invalid_argument, "limit must be between 1 and 500");
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT agent_id, trace_id, session_id, source, input, reply, status, http_status, error, latency_ms,"
        " created_at FROM ai_executions WHERE agent_id = $1 ORDER BY created_at DESC, id DESC LIMIT " +
            std::to_string(limit),
        {std::string(agent_id)});
  });
  if (!rows) return rows.error().with_context("failed to read the AI executions of agent " + std::string(agent_id));
  std::vector<AiExecution> out;
  for (const Row& r : *rows) {
    AiExecution e;
    e.agent_id = r.text(0);
    e.trace_id = r.text(1);
    e.session_id = r.text(2);
    e.source = r.text(3);
    e.input = r.text(4);
    e.reply = r.opt_text(5);
    e.status = r.text(6);
    e.http_status = r.opt_int64(7);
    e.error = r.opt_text(8);
    e.latency_ms = r.int64(9);
    e.created_at_ms = r.int64(10);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace wabot::store
