// SPDX-License-Identifier: GPL-3.0-or-later
// DispatchPool: the small fixed pool of threads that runs every plugin's SerialQueue, one task of one
// queue at a time per thread, so a slow plugin occupies at most one thread and delays only itself.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace wabot::plugins {

class SerialQueue;

class DispatchPool {
 public:
  explicit DispatchPool(std::size_t thread_count);
  ~DispatchPool();  // stops and joins the threads; tasks still queued are not run
  DispatchPool(const DispatchPool&) = delete;
  DispatchPool& operator=(const DispatchPool&) = delete;

  std::size_t thread_count() const { return threads_.size(); }

 private:
  friend class SerialQueue;
  void schedule(std::shared_ptr<SerialQueue> queue);  // queue has work and is not scheduled yet
  void worker();

  std::mutex mutex_;
  std::condition_variable ready_cv_;
  std::deque<std::shared_ptr<SerialQueue>> ready_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace wabot::plugins
