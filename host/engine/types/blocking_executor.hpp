// SPDX-License-Identifier: GPL-3.0-or-later
// BlockingExecutor: a small, bounded pool of threads for work that blocks (database IO, HTTPS media
// transfers), so it never runs on the shared event loop's threads and stalls other agents' connections.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace wabot::engine {

class BlockingExecutor {
 public:
  // threads: 1..32. max_queued: work items waiting or running before post() refuses more.
  BlockingExecutor(std::string name, std::size_t threads, std::size_t max_queued = 4096);
  // Finishes the queued work and joins the threads.
  ~BlockingExecutor();
  BlockingExecutor(const BlockingExecutor&) = delete;
  BlockingExecutor& operator=(const BlockingExecutor&) = delete;

  // Runs `work` on a pool thread. False (and `work` is dropped unrun) when the queue is full or the
  // executor is stopping: callers turn that into an error value. An exception thrown by `work` is
  // logged and stops there.
  [[nodiscard]] bool post(std::function<void()> work);
  // Waits for the queued work, then joins the threads; later posts are refused.
  void stop();

  std::size_t queued() const { return queued_.load(); }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::size_t max_queued_;
  std::atomic<std::size_t> queued_{0};
  std::atomic<bool> stopping_{false};
  boost::asio::thread_pool pool_;
};

}  // namespace wabot::engine
