// SPDX-License-Identifier: GPL-3.0-or-later
// The "health" service: host version and uptime, component health and (1.2) engine health from the
// HealthBackend, and the loaded plugins with their state and counters.
#include "host/plugins/host_call.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/services.hpp"

#include <chrono>
#include <vector>

namespace wabot::plugins {

namespace {

wabot_status snapshot(wabot_host* host, wabot_health_visitor_fn visit, void* user_data) {
  return host_call::guarded("health.snapshot", [&] {
    if (!host_call::valid_handle(host)) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid host handle");
    PluginManager& manager = *host->manager;
    const HostBackends& backends = manager.backends();
    DatabaseHealth db;
    SessionCounts counts;
    if (backends.health) {
      db = backends.health->database();
      counts = backends.health->sessions();
    }
    std::vector<PluginRuntimeInfo> plugins = manager.plugins();
    std::vector<wabot_plugin_info> infos;
    std::vector<const wabot_plugin_info*> ptrs;
    infos.reserve(plugins.size());
    for (const PluginRuntimeInfo& p : plugins)
      infos.push_back({sizeof(wabot_plugin_info), to_view(p.name), to_view(p.version), p.state, p.dropped, p.errors});
    for (const wabot_plugin_info& i : infos) ptrs.push_back(&i);
    const int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::vector<wabot_agent_health> agents;
    std::vector<const wabot_agent_health*> agent_ptrs;
    agents.reserve(counts.agents.size());
    for (const AgentHealth& a : counts.agents)
      agents.push_back({sizeof(wabot_agent_health), to_view(a.agent_id), a.decrypt_failures, a.sends_queued});
    for (const wabot_agent_health& a : agents) agent_ptrs.push_back(&a);
    wabot_health health{sizeof(wabot_health), to_view(backends.host_version), manager.uptime_ms(), now_ms, db.state,
                        to_view(db.detail), counts.sessions, counts.connected, ptrs.data(), ptrs.size(),
                        counts.decrypt_failures, counts.sends_queued, agent_ptrs.data(), agent_ptrs.size()};
    if (visit) visit(user_data, &health);
    return host_call::ok();
  });
}

constexpr wabot_health_service_v1 table{sizeof(wabot_health_service_v1), &snapshot};

}  // namespace

const wabot_health_service_v1* health_service() { return &table; }

}  // namespace wabot::plugins
