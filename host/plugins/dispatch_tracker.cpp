// SPDX-License-Identifier: GPL-3.0-or-later
// DispatchTracker: the count-down and the one call of the publisher's callback.
#include "host/plugins/dispatch_tracker.hpp"

#include <exception>

#include "host/common/log.hpp"

namespace wabot::plugins {

void DispatchTracker::finish(const std::string& plugin, Outcome outcome) {
  DispatchDone done;
  DispatchReport report;
  {
    std::lock_guard lock(mutex_);
    switch (outcome) {
      case Outcome::handled: report_.handled.push_back(plugin); break;
      case Outcome::dropped: report_.dropped.push_back(plugin); break;
      case Outcome::failed: report_.failed.push_back(plugin); break;
      case Outcome::stopped: report_.stopped.push_back(plugin); break;
      case Outcome::unset: break;
    }
    if (pending_ == 0 || --pending_ != 0) return;
    done = std::move(done_);
    report = std::move(report_);
  }
  if (!done) return;
  // The callback belongs to the publisher: a throw stops here, not in a plugin queue.
  try {
    done(report);
  } catch (const std::exception& e) {
    log::error("plugins: a dispatch completion callback threw", {{"error", e.what()}});
  } catch (...) {
    log::error("plugins: a dispatch completion callback threw", {{"error", "unknown exception"}});
  }
}

}  // namespace wabot::plugins
