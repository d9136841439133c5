// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture: declares `interval` (duration) and `limit` (int); the loader test gives it an undeclared key
// and a wrong type (both refused), and a valid config whose values it logs from create.
#include <wabot/sdk.hpp>

#include <string>

class ConfigKeys : public wabot::Plugin {
 public:
  static constexpr wabot_config_key config_keys[] = {
      wabot::config_key("interval", WABOT_CONFIG_DURATION, "1h", "how often"),
      wabot::config_key("limit", WABOT_CONFIG_INT, "10", "how many"),
  };
  explicit ConfigKeys(wabot::Host& host) : wabot::Plugin(host) {}
  wabot::Status init() {
    auto interval = config().get_duration_ms("interval");
    auto limit = config().get_int("limit");
    if (!interval) return interval.status();
    if (!limit) return limit.status();
    auto backend = config().shared("ai.backend_url");
    log().info("config read", {{"interval_ms", std::to_string(interval.value())},
                               {"limit", std::to_string(limit.value())},
                               {"ai.backend_url", backend ? backend.value() : "<none>"}});
    return wabot::Status::ok();
  }
};

WABOT_PLUGIN(ConfigKeys, "config_keys", "0.0.1")
