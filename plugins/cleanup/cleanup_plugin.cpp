// SPDX-License-Identifier: GPL-3.0-or-later
// cleanup: deletes media previews older than max_age from media.temp_dir every interval (the seeds'
// cleanup job: 24 h, every 30 min), on the SDK scheduler, and logs and counts what it removed.
#include "temp_sweeper.hpp"
#include "version.hpp"

#include <wabot/sdk.hpp>

#include <chrono>
#include <memory>
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
    if (interval_ms.value() <= 0) return wabot::Status::error(WABOT_ERR_CONFIG, "cleanup.interval must be more than 0");
    auto temp_dir = config().shared("media.temp_dir");
    if (!temp_dir || temp_dir.value().empty()) {
      // Nothing to sweep: say so once and stay running (the other plugins do not depend on us).
      log().warn("cleanup has no media.temp_dir; nothing will be swept", {{"version", CLEANUP_VERSION}});
      return wabot::Status::ok();
    }
    sweeper_ = std::make_unique<TempSweeper>(std::string(temp_dir.value()), std::chrono::milliseconds(max_age_ms.value()));
    log().info("cleanup started", {{"version", CLEANUP_VERSION},
                                   {"intervalMs", std::to_string(interval_ms.value())},
                                   {"maxAgeMs", std::to_string(max_age_ms.value())},
                                   {"tempDir", std::string(temp_dir.value())}});
    auto timer = scheduler().schedule(interval_ms.value(), interval_ms.value(), [this] { sweep_once(); });
    if (!timer) return timer.status();
    return wabot::Status::ok();
  }

  uint64_t total_removed() const { return total_removed_; }

 private:
  void sweep_once() {
    SweepResult r = sweeper_->sweep();
    total_removed_ += r.removed_files;
    log().info("cleanup swept temp dir", {{"tempDir", sweeper_->dir().string()},
                                          {"removedFiles", std::to_string(r.removed_files)},
                                          {"removedBytes", std::to_string(r.removed_bytes)},
                                          {"keptFiles", std::to_string(r.kept_files)},
                                          {"skippedEntries", std::to_string(r.skipped_entries)},
                                          {"totalRemovedFiles", std::to_string(total_removed_)}});
    for (const std::string& e : r.errors) log().warn("cleanup could not sweep an entry", {{"error", e}});
  }

  std::unique_ptr<TempSweeper> sweeper_;
  uint64_t total_removed_ = 0;  // only touched on the plugin's serial queue
};

}  // namespace cleanup

WABOT_PLUGIN(cleanup::CleanupPlugin, "cleanup", CLEANUP_VERSION)
