// SPDX-License-Identifier: GPL-3.0-or-later
// DispatchReport: how the plugins took one published event (handled, dropped by a full queue, failed
// in a hook), handed to the publisher once the last queue is done with it (the durable inbound path
// marks a logged message "dispatched" then).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace wabot::plugins {

struct DispatchReport {
  std::vector<std::string> handled;  // plugins whose hooks returned WABOT_OK
  std::vector<std::string> dropped;  // plugins whose full (or closed) queue refused the event
  std::vector<std::string> failed;   // plugins whose hook failed or threw
  std::vector<std::string> stopped;  // plugins that stopped before running it (shutdown): not handled
  bool complete() const { return dropped.empty() && failed.empty() && stopped.empty(); }
  // "handled: a,b; dropped: c; failed: d; stopped: e" (the parts that are not empty), or "no subscriber".
  // Inline: the sessions layer uses it without linking the plugin host.
  std::string summary() const {
    std::string out;
    auto part = [&out](const char* label, const std::vector<std::string>& names) {
      if (names.empty()) return;
      if (!out.empty()) out += "; ";
      out += label;
      out += ": ";
      for (std::size_t i = 0; i < names.size(); ++i) out += (i ? "," : "") + names[i];
    };
    part("handled", handled);
    part("dropped", dropped);
    part("failed", failed);
    part("stopped", stopped);
    return out.empty() ? "no subscriber" : out;
  }
};

using DispatchDone = std::function<void(const DispatchReport&)>;

}  // namespace wabot::plugins
