// SPDX-License-Identifier: GPL-3.0-or-later
// DispatchTracker: counts down the plugin queues one event was posted to and calls the publisher's
// DispatchDone once, when the last one has run (or dropped) it.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>

#include "host/plugins/dispatch_report.hpp"

namespace wabot::plugins {

class DispatchTracker {
 public:
  enum class Outcome { unset = 0, handled, dropped, failed, stopped };

  explicit DispatchTracker(DispatchDone done) : done_(std::move(done)) {}

  // Publisher, before any queue may finish: one more queue takes part.
  void expect() {
    std::lock_guard lock(mutex_);
    ++pending_;
  }
  // One queue is done with the event; the last one calls done (outside the lock).
  void finish(const std::string& plugin, Outcome outcome);
  // Publisher, after posting to every queue: releases its own hold (so a queue finishing while the
  // publisher still posts cannot complete the report early). Calls done when nothing is pending.
  void seal() { finish({}, Outcome::unset); }

 private:
  std::mutex mutex_;
  std::size_t pending_ = 1;  // the publisher's hold, released by seal()
  DispatchReport report_;
  DispatchDone done_;
};

}  // namespace wabot::plugins
