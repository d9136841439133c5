// SPDX-License-Identifier: MIT
// Health: an owned copy of the host's health snapshot ("health" service), what GET /health shows.
#pragma once

#include <wabot/host.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace wabot {

struct PluginStatus {
  std::string name, version;
  wabot_plugin_run_state state = WABOT_PLUGIN_STATE_UNSET;
  uint64_t events_dropped = 0, errors = 0;
};

constexpr const char* plugin_state_name(wabot_plugin_run_state s) noexcept {
  switch (s) {
    case WABOT_PLUGIN_STATE_LOADED: return "loaded";
    case WABOT_PLUGIN_STATE_RUNNING: return "running";
    case WABOT_PLUGIN_STATE_STOPPED: return "stopped";
    case WABOT_PLUGIN_STATE_FAILED: return "failed";
    default: return "unknown";
  }
}

// (1.2) One agent's engine health.
struct AgentHealth {
  std::string agent_id;
  uint64_t decrypt_failures = 0;  // undecryptable inbound messages since the host started
  uint64_t sends_queued = 0;      // sends waiting in the agent's send limiter now
};

struct HealthSnapshot {
  std::string host_version;
  int64_t uptime_ms = 0;
  int64_t now_ms = 0;
  wabot_component_state database = WABOT_COMPONENT_UNSET;
  std::string database_detail;
  uint64_t sessions = 0, sessions_connected = 0;
  std::vector<PluginStatus> plugins;
  // (1.2) Engine health; false (and zeros) from a 1.1 host, which does not report it.
  bool has_engine_health = false;
  uint64_t decrypt_failures = 0;  // all agents, since the host started (monotonic)
  uint64_t sends_queued = 0;      // all agents, now
  std::vector<AgentHealth> agents;  // one per live session, sorted by agent id
};

class Health {
 public:
  explicit Health(const Host& host) noexcept : host_(&host), table_(host.service<wabot_health_service_v1>("health", 1)) {}

  Result<HealthSnapshot> snapshot() const {
    if (!table_) return detail::missing_service("health");
    HealthSnapshot out;
    wabot_status rc = table_->snapshot(host_->raw(), &visit, &out);
    if (rc != WABOT_OK) return host_->failure(rc, "failed to take a health snapshot");
    return out;
  }

 private:
  static void visit(void* user_data, const wabot_health* h) noexcept {
    try {
      auto* out = static_cast<HealthSnapshot*>(user_data);
      out->host_version = to_string(h->host_version);
      out->uptime_ms = h->uptime_ms;
      out->now_ms = h->now_ms;
      out->database = h->database;
      out->database_detail = to_string(h->database_detail);
      out->sessions = h->sessions;
      out->sessions_connected = h->sessions_connected;
      for (size_t i = 0; h->plugins && i < h->plugin_count; ++i) {
        const wabot_plugin_info* p = h->plugins[i];
        out->plugins.push_back({to_string(p->name), to_string(p->version), p->state, p->events_dropped, p->errors});
      }
      if (WABOT_HAS_FIELD(wabot_health, h, agent_count)) {
        out->has_engine_health = true;
        out->decrypt_failures = h->decrypt_failures;
        out->sends_queued = h->sends_queued;
        for (size_t i = 0; h->agents && i < h->agent_count; ++i) {
          const wabot_agent_health* a = h->agents[i];
          if (!a || !WABOT_HAS_FIELD(wabot_agent_health, a, sends_queued)) continue;
          out->agents.push_back({to_string(a->agent_id), a->decrypt_failures, a->sends_queued});
        }
      }
    } catch (...) {}
  }
  const Host* host_;
  const wabot_health_service_v1* table_;
};

}  // namespace wabot
