// SPDX-License-Identifier: GPL-3.0-or-later
// SerialQueue: a bounded strand on the DispatchPool.
#include "host/plugins/serial_queue.hpp"

#include "host/common/log.hpp"
#include "host/plugins/dispatch_pool.hpp"

#include <chrono>
#include <exception>

namespace wabot::plugins {

SerialQueue::SerialQueue(DispatchPool& pool, std::size_t capacity) : pool_(pool), capacity_(capacity ? capacity : 1) {}

SerialQueue::PostResult SerialQueue::post(std::function<void()> task) {
  bool schedule = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return PostResult::closed;
    if (tasks_.size() >= capacity_) {
      dropped_.fetch_add(1);
      return PostResult::full;
    }
    tasks_.push_back(std::move(task));
    if (!scheduled_) scheduled_ = schedule = true;
  }
  if (schedule) pool_.schedule(shared_from_this());
  return PostResult::queued;
}

void SerialQueue::run_one() {
  std::function<void()> task;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (tasks_.empty()) {  // cannot happen (scheduled only with work), but stay consistent
      scheduled_ = false;
      idle_cv_.notify_all();
      return;
    }
    task = std::move(tasks_.front());
    tasks_.pop_front();
  }
  try {
    task();
  } catch (const std::exception& e) {
    // Tasks catch plugin exceptions themselves; this is the last wall before the pool thread.
    log::error("plugin queue task threw", {{"error", e.what()}});
  } catch (...) {
    log::error("plugin queue task threw a non-std exception");
  }
  executed_.fetch_add(1);
  bool reschedule = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (tasks_.empty()) {
      scheduled_ = false;
      idle_cv_.notify_all();
    } else {
      reschedule = true;  // back of the line: one task per turn keeps plugins fair to each other
    }
  }
  if (reschedule) pool_.schedule(shared_from_this());
}

void SerialQueue::close_and_drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  closed_ = true;
  idle_cv_.wait(lock, [&] { return tasks_.empty() && !scheduled_; });
}

bool SerialQueue::wait_idle_ms(int64_t timeout_ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  return idle_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return tasks_.empty() && !scheduled_; });
}

std::size_t SerialQueue::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tasks_.size();
}

}  // namespace wabot::plugins
