// SPDX-License-Identifier: GPL-3.0-or-later
// BackgroundWorker: the thread only touches the shared State, so when the last owner of the object
// that holds the worker is released by a job (the worker destroyed on its own thread), the thread is
// detached and finishes safely instead of joining itself.
#include "host/engine/messaging/background_worker.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>

namespace wabot::engine::messaging {

struct BackgroundWorker::State {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<void()>> jobs;
  std::size_t max_queued = 16;
  bool stop = false;
};

BackgroundWorker::BackgroundWorker(std::size_t max_queued) : state_(std::make_shared<State>()) {
  state_->max_queued = max_queued == 0 ? 1 : max_queued;
}

BackgroundWorker::~BackgroundWorker() {
  {
    std::lock_guard lock(state_->mu);
    state_->stop = true;
    state_->jobs.clear();
  }
  state_->cv.notify_all();
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id()) thread_.detach();
  else thread_.join();
}

bool BackgroundWorker::post(std::function<void()> job) {
  {
    std::lock_guard lock(state_->mu);
    if (state_->stop || state_->jobs.size() >= state_->max_queued) return false;
    state_->jobs.push_back(std::move(job));
    if (!thread_.joinable()) {
      thread_ = std::thread([state = state_] {
        for (;;) {
          std::function<void()> next;
          {
            std::unique_lock lock(state->mu);
            state->cv.wait(lock, [&] { return state->stop || !state->jobs.empty(); });
            if (state->stop) return;
            next = std::move(state->jobs.front());
            state->jobs.pop_front();
          }
          try {
            next();
          } catch (...) {
            // Jobs report their own errors; an escaped exception must not end the process.
          }
        }
      });
    }
  }
  state_->cv.notify_one();
  return true;
}

}  // namespace wabot::engine::messaging
