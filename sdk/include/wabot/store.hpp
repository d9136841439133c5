// SPDX-License-Identifier: MIT
// Store: plugin-private key/value data, agent counters and the AI execution log ("store" service).
#pragma once

#include <wabot/host.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace wabot {

struct AgentStats {
  uint64_t incoming_messages = 0, outgoing_messages = 0, ai_executions = 0;
  int64_t last_activity_ms = 0;  // 0: never
};

struct AiExecution {
  std::string_view agent_id{}, trace_id{}, source{}, session_id{};
  int64_t started_at_ms = 0, latency_ms = 0;
  int32_t http_status = 0;
  std::string_view error_code{}, error_message{};
};

class Store {
 public:
  explicit Store(const Host& host) noexcept : host_(&host), table_(host.service<wabot_store_service_v1>("store", 1)) {}

  Status put(std::string_view key, std::string_view value) const {
    if (!table_) return detail::missing_service("store");
    wabot_status rc = table_->put(host_->raw(), to_view(key), {reinterpret_cast<const uint8_t*>(value.data()), value.size()});
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to store key ").append(key));
    return Status::ok();
  }
  // NOT_FOUND when absent.
  Result<std::string> get(std::string_view key) const {
    if (!table_) return detail::missing_service("store");
    std::string out;
    wabot_status rc = table_->get(host_->raw(), to_view(key), &visit, &out);
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to read key ").append(key));
    return out;
  }
  Status remove(std::string_view key) const {
    if (!table_) return detail::missing_service("store");
    wabot_status rc = table_->remove(host_->raw(), to_view(key));
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to remove key ").append(key));
    return Status::ok();
  }
  Result<AgentStats> agent_stats(std::string_view agent_id) const {
    if (!table_) return detail::missing_service("store");
    wabot_agent_stats raw{sizeof(raw), 0, 0, 0, 0};
    wabot_status rc = table_->agent_stats(host_->raw(), to_view(agent_id), &raw);
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to read stats of ").append(agent_id));
    return AgentStats{raw.incoming_messages, raw.outgoing_messages, raw.ai_executions, raw.last_activity_ms};
  }
  Status record_ai_execution(const AiExecution& e) const {
    if (!table_) return detail::missing_service("store");
    wabot_ai_execution raw{sizeof(raw), to_view(e.agent_id), to_view(e.trace_id), to_view(e.source), to_view(e.session_id),
                           e.started_at_ms, e.latency_ms, e.http_status, to_view(e.error_code), to_view(e.error_message)};
    wabot_status rc = table_->record_ai_execution(host_->raw(), &raw);
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to record an AI execution of ").append(e.agent_id));
    return Status::ok();
  }

 private:
  static void visit(void* user_data, wabot_bytes_view value) noexcept {
    try {
      if (value.ptr) static_cast<std::string*>(user_data)->assign(reinterpret_cast<const char*>(value.ptr), value.len);
    } catch (...) {}
  }
  const Host* host_;
  const wabot_store_service_v1* table_;
};

}  // namespace wabot
