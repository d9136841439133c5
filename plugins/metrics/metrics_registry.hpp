// SPDX-License-Identifier: GPL-3.0-or-later
// MetricsRegistry: the prometheus-cpp registry behind GET /metrics (docs/api.md) and the operations the
// metrics plugin feeds it with. Thread-safe: events update it on the plugin's queue while HTTP worker
// threads serialise it.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace metrics {

class MetricsRegistry {
 public:
  explicit MetricsRegistry(bool per_agent_labels);

  void message_received(std::string_view agent_id);
  void message_sent(std::string_view agent_id);
  void error(std::string_view type);
  void reconnect(std::string_view agent_id);
  void set_sessions_active(uint64_t n);
  void set_sessions_known(uint64_t n);
  void set_plugin_queue_drops(std::string_view plugin, uint64_t dropped);
  void ai_latency(std::string_view agent_id, double seconds);
  void http_request(std::string_view method, std::string_view route, int code, double seconds);

  // (SDK 1.2) Engine health from a health snapshot. The host's counts are totals since it started;
  // the counter moves by what is new since the last snapshot (scrapes may run concurrently).
  struct AgentEngineHealth {
    std::string agent_id;
    uint64_t decrypt_failures = 0, sends_queued = 0;
  };
  void engine_health(uint64_t decrypt_failures_total, uint64_t sends_queued_total,
                     const std::vector<AgentEngineHealth>& agents);

  // The Prometheus text exposition format (0.0.4).
  std::string serialize() const;

 private:
  prometheus::Labels agent_labels(std::string_view agent_id) const;

  const bool per_agent_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>& sessions_active_;
  prometheus::Family<prometheus::Gauge>& sessions_known_;
  prometheus::Family<prometheus::Counter>& sent_;
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Counter>& reconnects_;
  prometheus::Family<prometheus::Gauge>& queue_drops_;
  prometheus::Family<prometheus::Histogram>& ai_latency_;
  prometheus::Family<prometheus::Counter>& http_requests_;
  prometheus::Family<prometheus::Histogram>& http_duration_;
  prometheus::Family<prometheus::Counter>& decrypt_failures_;
  prometheus::Family<prometheus::Gauge>& send_queue_depth_;
  std::mutex engine_mutex_;  // guards the two maps below
  std::map<std::string, uint64_t, std::less<>> decrypt_seen_;  // the host's total per series at the last snapshot
  std::map<std::string, bool, std::less<>> queue_series_;      // agents with a queue depth series
};

}  // namespace metrics
