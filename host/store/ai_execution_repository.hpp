// SPDX-License-Identifier: GPL-3.0-or-later
// The AI execution log (`ai_executions`, the PRD's langchain_executions): one row per AI backend call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/store/clock.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

struct AiExecution {
  std::string agent_id;
  std::string trace_id;
  std::string session_id;  // the WhatsApp JID the conversation is with
  std::string source;      // "api" (POST /agents/{id}/run) or "whatsapp" (inbound message)
  std::string input;
  std::optional<std::string> reply;
  std::string status;  // success, error, timeout
  std::optional<std::int64_t> http_status;
  std::optional<std::string> error;
  std::int64_t latency_ms = 0;
  std::int64_t created_at_ms = 0;  // set by append()
};

class AiExecutionRepository {
 public:
  explicit AiExecutionRepository(Database& db, Clock clock = system_clock()) : db_(db), clock_(std::move(clock)) {}

  Status append(const AiExecution& execution);
  Result<std::int64_t> count(std::string_view agent_id);
  // The newest executions of an agent, newest first; limit 1..500.
  Result<std::vector<AiExecution>> latest(std::string_view agent_id, int limit);

 private:
  Database& db_;
  Clock clock_;
};

}  // namespace wabot::store
