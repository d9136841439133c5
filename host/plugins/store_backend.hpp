// SPDX-License-Identifier: GPL-3.0-or-later
// StoreBackend: durable data for the SDK's "store" service, implemented by the store layer: plugin
// key/value rows (namespaced by plugin name), per-agent message counters and the AI execution log.
#pragma once

#include <wabot/status.hpp>
#include <wabot/store.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace wabot::plugins {

struct AiExecutionRecord {
  std::string agent_id, trace_id, source, session_id;
  int64_t started_at_ms = 0, latency_ms = 0;
  int32_t http_status = 0;
  std::string error_code, error_message;
};

class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  virtual Status put(std::string_view plugin, std::string_view key, std::string_view value) = 0;
  virtual Result<std::string> get(std::string_view plugin, std::string_view key) = 0;  // NOT_FOUND when absent
  virtual Status remove(std::string_view plugin, std::string_view key) = 0;
  virtual Result<AgentStats> agent_stats(std::string_view agent_id) = 0;
  virtual Status record_ai_execution(const AiExecutionRecord& record) = 0;
};

}  // namespace wabot::plugins
