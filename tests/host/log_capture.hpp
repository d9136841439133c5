// SPDX-License-Identifier: GPL-3.0-or-later
// Test helper: captures the JSON log lines of wabot::log and lets a test wait for one to appear.
#pragma once

#include "host/common/log.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

class LogCapture {
 public:
  LogCapture() {
    wabot::log::set_sink([this](std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
      changed_.notify_all();
    });
  }
  ~LogCapture() { wabot::log::reset_sink(); }

  // The first line satisfying pred, waiting up to timeout for it; empty when none came.
  std::string wait_for(const std::function<bool(const std::string&)>& pred,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    std::string found;
    changed_.wait_for(lock, timeout, [&] {
      for (const auto& l : lines_)
        if (pred(l)) {
          found = l;
          return true;
        }
      return false;
    });
    return found;
  }

  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};
