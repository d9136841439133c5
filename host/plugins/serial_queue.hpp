// SPDX-License-Identifier: GPL-3.0-or-later
// SerialQueue: one plugin's bounded FIFO of tasks, run in order and never two at once on the shared
// DispatchPool (a strand). A post that finds it full is refused and counted, never blocks the caller.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace wabot::plugins {

class DispatchPool;

class SerialQueue : public std::enable_shared_from_this<SerialQueue> {
 public:
  enum class PostResult { unset = 0, queued, full, closed };

  SerialQueue(DispatchPool& pool, std::size_t capacity);

  // Any thread. `full` increments dropped(); `closed` after close_and_drain().
  PostResult post(std::function<void()> task);
  // Refuses new tasks, then waits until the queued ones ran and none is running. Main thread; never
  // from a task of this queue (it would wait for itself).
  void close_and_drain();
  // Waits (bounded) until the queue is empty and idle; for tests and orderly shutdown. True when idle.
  bool wait_idle_ms(int64_t timeout_ms);

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const;
  uint64_t dropped() const { return dropped_.load(); }
  uint64_t executed() const { return executed_.load(); }

 private:
  friend class DispatchPool;
  void run_one();  // on a pool thread

  DispatchPool& pool_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> tasks_;
  bool scheduled_ = false;  // in the pool's ready list or running
  bool closed_ = false;
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> executed_{0};
};

}  // namespace wabot::plugins
