// SPDX-License-Identifier: GPL-3.0-or-later
// TimerQueue: one thread waiting for the earliest due timer.
#include "host/plugins/timer_queue.hpp"

#include "host/plugins/loaded_plugin.hpp"

#include <algorithm>

namespace wabot::plugins {

TimerQueue::TimerQueue(Fire fire) : fire_(std::move(fire)), thread_([this] { run(); }) {}

TimerQueue::~TimerQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

wabot_timer_id TimerQueue::add(std::shared_ptr<LoadedPlugin> plugin, int64_t delay_ms, int64_t interval_ms,
                               wabot_task_fn task, void* user_data) {
  std::lock_guard<std::mutex> lock(mutex_);
  const LoadedPlugin* owner = plugin.get();
  auto owned = std::count_if(timers_.begin(), timers_.end(), [&](const auto& t) { return t.second.plugin.get() == owner; });
  if (static_cast<std::size_t>(owned) >= max_timers_per_plugin) return 0;
  wabot_timer_id id = ++next_id_;
  timers_[id] = Timer{std::move(plugin), Clock::now() + std::chrono::milliseconds(delay_ms), interval_ms, task, user_data};
  cv_.notify_all();
  return id;
}

bool TimerQueue::cancel(const LoadedPlugin* plugin, wabot_timer_id id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = timers_.find(id);
  if (it == timers_.end() || it->second.plugin.get() != plugin) return false;
  timers_.erase(it);
  return true;
}

void TimerQueue::cancel_all(const LoadedPlugin* plugin) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::erase_if(timers_, [&](const auto& t) { return t.second.plugin.get() == plugin; });
}

std::size_t TimerQueue::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return timers_.size();
}

void TimerQueue::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    auto next = std::min_element(timers_.begin(), timers_.end(),
                                 [](const auto& a, const auto& b) { return a.second.due < b.second.due; });
    if (next == timers_.end()) {
      cv_.wait(lock);
      continue;
    }
    if (next->second.due > Clock::now()) {
      // A copy: wait_until reads its argument after the lock was released and retaken, by which time
      // the timer may have been cancelled and its node freed.
      const Clock::time_point due = next->second.due;
      cv_.wait_until(lock, due);
      continue;  // re-evaluate: a timer may have been added, cancelled, or we are stopping
    }
    Timer due = next->second;
    if (due.interval_ms > 0) {
      // From the planned time, not from now, so a periodic timer does not drift.
      next->second.due += std::chrono::milliseconds(due.interval_ms);
      if (next->second.due < Clock::now()) next->second.due = Clock::now() + std::chrono::milliseconds(due.interval_ms);
    } else {
      timers_.erase(next);
    }
    lock.unlock();
    fire_(due.plugin, due.task, due.user_data);
    lock.lock();
  }
}

}  // namespace wabot::plugins
