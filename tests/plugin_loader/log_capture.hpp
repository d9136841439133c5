// SPDX-License-Identifier: GPL-3.0-or-later
// LogCapture: routes the host logger into memory for the test's lifetime, and lets a test wait on a
// condition over the captured lines (never a bare sleep).
#pragma once

#include "host/common/log.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace wabot::plugins::testing {

class LogCapture {
 public:
  LogCapture() {
    log::set_level(log::Level::debug);
    log::set_sink([this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.emplace_back(line);
      cv_.notify_all();
    });
  }
  ~LogCapture() { log::reset_sink(); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }
  // Lines containing every needle.
  std::vector<std::string> matching(std::initializer_list<std::string> needles) const {
    std::vector<std::string> out;
    for (const std::string& l : lines()) {
      bool all = true;
      for (const std::string& n : needles) all = all && l.find(n) != std::string::npos;
      if (all) out.push_back(l);
    }
    return out;
  }
  size_t count(std::initializer_list<std::string> needles) const { return matching(needles).size(); }
  // Index of the first line containing `needle`, or -1.
  long index_of(const std::string& needle) const {
    auto ls = lines();
    for (size_t i = 0; i < ls.size(); ++i)
      if (ls[i].find(needle) != std::string::npos) return static_cast<long>(i);
    return -1;
  }
  // Lines where `key` appears more than once (a duplicate JSON key: the logger scope and an explicit
  // field both set it).
  std::vector<std::string> with_duplicate_key(const std::string& key) const {
    std::vector<std::string> out;
    const std::string quoted = "\"" + key + "\":";
    for (const std::string& l : lines()) {
      size_t first = l.find(quoted);
      if (first != std::string::npos && l.find(quoted, first + 1) != std::string::npos) out.push_back(l);
    }
    return out;
  }
  // Waits until at least `n` lines contain `needle`.
  bool wait_for(const std::string& needle, size_t n = 1, int timeout_ms = 5000) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
      size_t c = 0;
      for (const std::string& l : lines_) c += l.find(needle) != std::string::npos;
      return c >= n;
    });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  std::vector<std::string> lines_;
};

}  // namespace wabot::plugins::testing
