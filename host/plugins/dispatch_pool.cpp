// SPDX-License-Identifier: GPL-3.0-or-later
// DispatchPool: the fixed threads that run the plugins' serial queues.
#include "host/plugins/dispatch_pool.hpp"

#include "host/plugins/serial_queue.hpp"


namespace wabot::plugins {

DispatchPool::DispatchPool(std::size_t thread_count) {
  if (thread_count == 0) thread_count = 1;
  if (thread_count > 64) thread_count = 64;  // a config typo must not spawn thousands of threads
  for (std::size_t i = 0; i < thread_count; ++i) threads_.emplace_back([this] { worker(); });
}

DispatchPool::~DispatchPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void DispatchPool::schedule(std::shared_ptr<SerialQueue> queue) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ready_.push_back(std::move(queue));
  }
  ready_cv_.notify_one();
}

void DispatchPool::worker() {
  for (;;) {
    std::shared_ptr<SerialQueue> queue;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_cv_.wait(lock, [&] { return stopping_ || !ready_.empty(); });
      if (stopping_) return;
      queue = std::move(ready_.front());
      ready_.pop_front();
    }
    queue->run_one();
  }
}

}  // namespace wabot::plugins
