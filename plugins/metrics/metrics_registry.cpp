// SPDX-License-Identifier: GPL-3.0-or-later
// MetricsRegistry: families are created once; series are added on first use (prometheus-cpp's Add is
// idempotent for the same labels and thread-safe).
#include "metrics_registry.hpp"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace metrics {

namespace {
const prometheus::Histogram::BucketBoundaries kAiBuckets{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120};
const prometheus::Histogram::BucketBoundaries kHttpBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}  // namespace

MetricsRegistry::MetricsRegistry(bool per_agent_labels)
    : per_agent_(per_agent_labels),
      registry_(std::make_shared<prometheus::Registry>()),
      sessions_active_(prometheus::BuildGauge().Name("whatsapp_sessions_active")
                           .Help("WhatsApp sessions whose connection is open").Register(*registry_)),
      sessions_known_(prometheus::BuildGauge().Name("whatsapp_sessions_known")
                          .Help("WhatsApp sessions the host knows").Register(*registry_)),
      sent_(prometheus::BuildCounter().Name("whatsapp_messages_sent_total")
                .Help("Messages the WhatsApp server acknowledged as sent").Register(*registry_)),
      received_(prometheus::BuildCounter().Name("whatsapp_messages_received_total")
                    .Help("Messages received from WhatsApp").Register(*registry_)),
      errors_(prometheus::BuildCounter().Name("whatsapp_errors_total")
                  .Help("WhatsApp-side errors by type").Register(*registry_)),
      reconnects_(prometheus::BuildCounter().Name("whatsapp_reconnects_total")
                      .Help("Times a session went into reconnecting").Register(*registry_)),
      queue_drops_(prometheus::BuildGauge().Name("wabot_plugin_queue_dropped_events")
                       .Help("Events a plugin's full queue dropped since start").Register(*registry_)),
      ai_latency_(prometheus::BuildHistogram().Name("whatsapp_ai_latency_seconds")
                      .Help("Latency of AI backend calls").Register(*registry_)),
      http_requests_(prometheus::BuildCounter().Name("http_requests_total")
                         .Help("HTTP requests by method, route and status code").Register(*registry_)),
      http_duration_(prometheus::BuildHistogram().Name("http_request_duration_seconds")
                         .Help("HTTP request duration by route").Register(*registry_)),
      decrypt_failures_(prometheus::BuildCounter().Name("wabot_decrypt_failures_total")
                            .Help("Inbound WhatsApp messages the engine could not decrypt").Register(*registry_)),
      send_queue_depth_(prometheus::BuildGauge().Name("wabot_send_queue_depth")
                            .Help("Sends waiting in the per-agent send limiters").Register(*registry_)) {
  // Series without labels exist from the start, so a scrape shows them at 0.
  sessions_active_.Add({});
  sessions_known_.Add({});
  if (!per_agent_) {
    sent_.Add({});
    received_.Add({});
    reconnects_.Add({});
    ai_latency_.Add({}, kAiBuckets);
    decrypt_failures_.Add({});
    send_queue_depth_.Add({});
  }
}

prometheus::Labels MetricsRegistry::agent_labels(std::string_view agent_id) const {
  if (!per_agent_) return {};
  return {{"agent", std::string(agent_id)}};
}

void MetricsRegistry::message_received(std::string_view agent_id) { received_.Add(agent_labels(agent_id)).Increment(); }
void MetricsRegistry::message_sent(std::string_view agent_id) { sent_.Add(agent_labels(agent_id)).Increment(); }
void MetricsRegistry::error(std::string_view type) { errors_.Add({{"type", std::string(type)}}).Increment(); }
void MetricsRegistry::reconnect(std::string_view agent_id) { reconnects_.Add(agent_labels(agent_id)).Increment(); }
void MetricsRegistry::set_sessions_active(uint64_t n) { sessions_active_.Add({}).Set(static_cast<double>(n)); }
void MetricsRegistry::set_sessions_known(uint64_t n) { sessions_known_.Add({}).Set(static_cast<double>(n)); }
void MetricsRegistry::set_plugin_queue_drops(std::string_view plugin, uint64_t dropped) {
  queue_drops_.Add({{"plugin", std::string(plugin)}}).Set(static_cast<double>(dropped));
}
void MetricsRegistry::ai_latency(std::string_view agent_id, double seconds) {
  ai_latency_.Add(agent_labels(agent_id), kAiBuckets).Observe(seconds);
}
void MetricsRegistry::http_request(std::string_view method, std::string_view route, int code, double seconds) {
  http_requests_.Add({{"method", std::string(method)}, {"route", std::string(route)}, {"code", std::to_string(code)}}).Increment();
  http_duration_.Add({{"route", std::string(route)}}, kHttpBuckets).Observe(seconds);
}

void MetricsRegistry::engine_health(uint64_t decrypt_failures_total, uint64_t sends_queued_total,
                                    const std::vector<AgentEngineHealth>& agents) {
  std::lock_guard lock(engine_mutex_);
  // A counter only moves up: a host total below the last one seen (it cannot shrink) adds nothing.
  auto advance = [&](const std::string& series, uint64_t total) {
    uint64_t& seen = decrypt_seen_[series];
    if (total > seen) {
      decrypt_failures_.Add(agent_labels(series)).Increment(static_cast<double>(total - seen));
      seen = total;
    }
  };
  if (!per_agent_) {
    advance("", decrypt_failures_total);
    send_queue_depth_.Add({}).Set(static_cast<double>(sends_queued_total));
    return;
  }
  for (auto& [agent, present] : queue_series_) present = false;
  for (const AgentEngineHealth& a : agents) {
    advance(a.agent_id, a.decrypt_failures);
    send_queue_depth_.Add(agent_labels(a.agent_id)).Set(static_cast<double>(a.sends_queued));
    queue_series_[a.agent_id] = true;
  }
  // An agent whose session went away has nothing queued any more.
  for (const auto& [agent, present] : queue_series_)
    if (!present) send_queue_depth_.Add(agent_labels(agent)).Set(0);
}

std::string MetricsRegistry::serialize() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace metrics
