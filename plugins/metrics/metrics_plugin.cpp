// SPDX-License-Identifier: GPL-3.0-or-later
// metrics: a prometheus-cpp registry fed by host events (messages received/sent, session state, AI
// executions and plugin HTTP requests, the last two from SDK 1.1) and by
// a health snapshot at scrape time (sessions active, plugin queue drops, and from SDK 1.2 the engine's
// decrypt failures and send-queue depth), served at GET /metrics in the
// Prometheus text format (docs/api.md), unauthenticated like the seeds.
#include "metrics_registry.hpp"
#include "version.hpp"

#include <wabot/sdk.hpp>

#include <memory>

namespace metrics {

class MetricsPlugin : public wabot::Plugin {
 public:
  static constexpr wabot_config_key config_keys[] = {
      wabot::config_key("per_agent_labels", WABOT_CONFIG_BOOL, "false",
                        "add an agent label to the message counters (one series per agent)"),
  };

  explicit MetricsPlugin(wabot::Host& host) : wabot::Plugin(host) {}

  wabot::Status start() {
    auto per_agent = config().get_bool("per_agent_labels");
    if (!per_agent) return per_agent.status();
    registry_ = std::make_unique<MetricsRegistry>(per_agent.value());
    if (auto s = events().subscribe({WABOT_EVENT_MESSAGE_SENT, WABOT_EVENT_SESSION_STATE, WABOT_EVENT_AI_EXECUTION,
                                             WABOT_EVENT_HTTP_REQUEST}); !s) return s;
    if (auto s = http().add_route("GET", "/metrics", [this](const wabot::HttpRequest&, const wabot::HttpResponse& res) { scrape(res); });
        !s)
      return s;
    log().info("metrics started", {{"version", METRICS_VERSION}, {"perAgentLabels", per_agent.value() ? "true" : "false"}});
    return wabot::Status::ok();
  }

  // Inbound messages of every agent (no subscription needed).
  wabot::Status on_message(const wabot::Event& e) {
    registry_->message_received(e.agent_id());
    return wabot::Status::ok();
  }

  wabot::Status on_event(const wabot::Event& e) {
    switch (e.kind()) {
      case WABOT_EVENT_MESSAGE_SENT: registry_->message_sent(e.agent_id()); break;
      case WABOT_EVENT_SESSION_STATE:
        if (const wabot_session_state_change* s = e.session_state()) {
          if (s->current == WABOT_SESSION_RECONNECTING) registry_->reconnect(e.agent_id());
          if (s->current == WABOT_SESSION_DISCONNECTED) registry_->error("session_disconnected");
          if (s->current == WABOT_SESSION_LOGGED_OUT) registry_->error("session_logged_out");
        }
        break;
      case WABOT_EVENT_AI_EXECUTION:
        if (const wabot_ai_execution* a = e.ai_execution()) {
          registry_->ai_latency(e.agent_id(), static_cast<double>(a->latency_ms) / 1000.0);
          if (a->error_code.len > 0) registry_->error(wabot::from_view(a->error_code) == "AI_TIMEOUT" ? "ai_timeout" : "ai_downstream");
        }
        break;
      case WABOT_EVENT_HTTP_REQUEST:
        if (const wabot_http_request_record* r = e.http_request())
          registry_->http_request(wabot::from_view(r->method), wabot::from_view(r->route), r->status,
                                  static_cast<double>(r->duration_ms) / 1000.0);
        break;
      default: break;
    }
    return wabot::Status::ok();
  }

 private:
  // HTTP worker thread. The gauges come from the host's own counts, so they are right even for
  // sessions that connected before this plugin started.
  void scrape(const wabot::HttpResponse& res) {
    if (auto h = health().snapshot()) {
      registry_->set_sessions_active(h.value().sessions_connected);
      registry_->set_sessions_known(h.value().sessions);
      for (const wabot::PluginStatus& p : h.value().plugins) registry_->set_plugin_queue_drops(p.name, p.events_dropped);
      if (h.value().has_engine_health) {  // (SDK 1.2) a 1.1 host leaves the series at 0
        std::vector<MetricsRegistry::AgentEngineHealth> agents;
        agents.reserve(h.value().agents.size());
        for (const wabot::AgentHealth& a : h.value().agents) agents.push_back({a.agent_id, a.decrypt_failures, a.sends_queued});
        registry_->engine_health(h.value().decrypt_failures, h.value().sends_queued, agents);
      }
    } else {
      registry_->error("metrics_health_snapshot");
      log().warn("metrics could not read the health snapshot", {{"error", h.status().message()}});
    }
    res.status(200);
    res.body("text/plain; version=0.0.4; charset=utf-8", registry_->serialize());
  }

  std::unique_ptr<MetricsRegistry> registry_;
};

}  // namespace metrics

WABOT_PLUGIN(metrics::MetricsPlugin, "metrics", METRICS_VERSION)
