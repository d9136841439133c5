// SPDX-License-Identifier: GPL-3.0-or-later
// TimerQueue: the scheduler service's timers, all on one thread; a due tick is handed to `fire`, which
// posts it to the owning plugin's serial queue (so ticks run like events: serially, never blocking
// this thread).
#pragma once

#include <wabot/abi.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace wabot::plugins {

class LoadedPlugin;

class TimerQueue {
 public:
  using Fire = std::function<void(const std::shared_ptr<LoadedPlugin>& plugin, wabot_task_fn task, void* user_data)>;
  static constexpr std::size_t max_timers_per_plugin = 1024;

  explicit TimerQueue(Fire fire);
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // 0 when the plugin already has max_timers_per_plugin timers.
  wabot_timer_id add(std::shared_ptr<LoadedPlugin> plugin, int64_t delay_ms, int64_t interval_ms, wabot_task_fn task,
                     void* user_data);
  // Only the plugin that made a timer can cancel it. False for an unknown (or foreign) id.
  bool cancel(const LoadedPlugin* plugin, wabot_timer_id id);
  void cancel_all(const LoadedPlugin* plugin);
  std::size_t size() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Timer {
    std::shared_ptr<LoadedPlugin> plugin;
    Clock::time_point due;
    int64_t interval_ms = 0;
    wabot_task_fn task = nullptr;
    void* user_data = nullptr;
  };
  void run();

  Fire fire_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::map<wabot_timer_id, Timer> timers_;
  wabot_timer_id next_id_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace wabot::plugins
