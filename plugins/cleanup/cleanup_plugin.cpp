// SPDX-License-Identifier: GPL-3.0-or-later
// cleanup: will delete media previews older than max_age from media.temp_dir every interval (the seeds'
// cleanup job: 24 h, every 30 min). For now it declares its config and reports it started; the
// deleting is a later issue, so it schedules nothing.
#include "version.hpp"

#include <wabot/sdk.hpp>

#include <string>

namespace cleanup {

class CleanupPlugin : public wabot::Plugin {
 public:
  static constexpr wabot_config_key config_keys[] = {
      wabot::config_key("interval", WABOT_CONFIG_DURATION, "30m", "how often the temp directory is swept"),
      wabot::config_key("max_age", WABOT_CONFIG_DURATION, "24h", "previews older than this are deleted"),
  };

  explicit CleanupPlugin(wabot::Host& host) : wabot::Plugin(host) {}

  wabot::Status start() {
    auto interval_ms = config().get_duration_ms("interval");
    if (!interval_ms) return interval_ms.status();
    auto max_age_ms = config().get_duration_ms("max_age");
    if (!max_age_ms) return max_age_ms.status();
    if (interval_ms.value() == 0) return wabot::Status::error(WABOT_ERR_CONFIG, "cleanup.interval must be more than 0");
    auto temp_dir = config().shared("media.temp_dir");
    log().info("cleanup started", {{"version", CLEANUP_VERSION},
                                   {"intervalMs", std::to_string(interval_ms.value())},
                                   {"maxAgeMs", std::to_string(max_age_ms.value())},
                                   {"tempDir", temp_dir ? temp_dir.value() : "<unset>"}});
    return wabot::Status::ok();
  }
};

}  // namespace cleanup

WABOT_PLUGIN(cleanup::CleanupPlugin, "cleanup", CLEANUP_VERSION)
