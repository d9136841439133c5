// SPDX-License-Identifier: GPL-3.0-or-later
// BackgroundWorker: one thread that runs blocking jobs (history-sync downloads) off the connection's
// thread, with a bounded queue. Safe to destroy from any thread, its own included.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <thread>

namespace wabot::engine::messaging {

class BackgroundWorker {
 public:
  explicit BackgroundWorker(std::size_t max_queued = 16);
  ~BackgroundWorker();  // drops queued jobs, waits for the running one (unless called from it)
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  // Queues job; false (job dropped) when max_queued jobs are already waiting. Starts the thread on
  // first use. Jobs must not throw (an exception is caught and dropped).
  bool post(std::function<void()> job);

 private:
  struct State;
  std::shared_ptr<State> state_;  // shared with the thread, which may outlive this object (see ~)
  std::thread thread_;
};

}  // namespace wabot::engine::messaging
