// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture: on_message blocks on a gate the test controls through two extra exported functions, so the
// test knows exactly how many events wait in the bounded queue and how many must be dropped.
#include "raw_descriptor.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace {

std::mutex mutex;
std::condition_variable cv;
bool released = false;
int entered = 0;
int handled = 0;

wabot_status on_message(wabot_plugin_state*, const wabot_event*) {
  std::unique_lock<std::mutex> lock(mutex);
  ++entered;
  cv.notify_all();
  cv.wait(lock, [] { return released; });
  ++handled;
  return WABOT_OK;
}

}  // namespace

// Test controls (not part of any plugin contract): wait until on_message was entered `count` times.
extern "C" WABOT_EXPORT int slow_consumer_wait_entered(int count, int timeout_ms) {
  std::unique_lock<std::mutex> lock(mutex);
  return cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return entered >= count; }) ? 1 : 0;
}
extern "C" WABOT_EXPORT void slow_consumer_release(void) {
  std::lock_guard<std::mutex> lock(mutex);
  released = true;
  cv.notify_all();
}
extern "C" WABOT_EXPORT int slow_consumer_handled(void) {
  std::lock_guard<std::mutex> lock(mutex);
  return handled;
}

extern "C" WABOT_EXPORT const wabot_plugin_descriptor* wabot_plugin_v1(void) {
  static const wabot_plugin_descriptor d = [] {
    auto x = fixture::valid_descriptor("slow_consumer");
    x.on_message = &on_message;
    return x;
  }();
  return &d;
}
