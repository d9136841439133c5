// SPDX-License-Identifier: GPL-3.0-or-later
// metrics: will keep a prometheus-cpp registry fed by host events and serve GET /metrics (docs/api.md).
// For now it declares its config and reports it started; the registry and route are a later issue.
#include "version.hpp"

#include <wabot/sdk.hpp>

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
    log().info("metrics started", {{"version", METRICS_VERSION}, {"perAgentLabels", per_agent.value() ? "true" : "false"}});
    return wabot::Status::ok();
  }
};

}  // namespace metrics

WABOT_PLUGIN(metrics::MetricsPlugin, "metrics", METRICS_VERSION)
