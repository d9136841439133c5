// SPDX-License-Identifier: GPL-3.0-or-later
// AgentExecutor: per-agent FIFO queues served by a fixed pool; an agent is handed to one worker at a time.
#include "agent_executor.hpp"

#include <chrono>

namespace ai_forwarder {

AgentExecutor::AgentExecutor(size_t workers, size_t max_queued_per_agent) : max_queued_(max_queued_per_agent) {
  if (workers == 0) workers = 1;
  threads_.reserve(workers);
  for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { run(); });
}

AgentExecutor::~AgentExecutor() { stop(); }

bool AgentExecutor::submit(const std::string& agent_id, std::function<void()> job) {
  std::lock_guard lock(mutex_);
  if (stopping_) {
    ++dropped_;
    return false;
  }
  AgentQueue& q = agents_[agent_id];
  if (q.jobs.size() >= max_queued_) {
    ++dropped_;
    return false;
  }
  q.jobs.push_back(std::move(job));
  ++pending_;
  if (!q.scheduled) {
    q.scheduled = true;
    ready_.push_back(agent_id);
    work_cv_.notify_one();
  }
  return true;
}

void AgentExecutor::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stopping_ || !ready_.empty(); });
    if (stopping_) return;
    std::string agent = std::move(ready_.front());
    ready_.pop_front();
    AgentQueue& q = agents_[agent];
    std::function<void()> job = std::move(q.jobs.front());
    q.jobs.pop_front();
    lock.unlock();
    try {
      job();
    } catch (...) {
      // Jobs report their own errors; an escaped exception must not kill the worker.
    }
    job = nullptr;
    lock.lock();
    --pending_;
    AgentQueue& after = agents_[agent];
    if (!after.jobs.empty() && !stopping_) {
      ready_.push_back(agent);  // to the back: other agents get their turn first
      work_cv_.notify_one();
    } else {
      after.scheduled = false;
      if (after.jobs.empty()) agents_.erase(agent);
    }
    if (pending_ == 0) idle_cv_.notify_all();
  }
}

void AgentExecutor::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    for (auto& [agent, q] : agents_) {
      dropped_ += q.jobs.size();
      pending_ -= q.jobs.size();
      q.jobs.clear();
    }
    ready_.clear();
  }
  work_cv_.notify_all();
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  std::lock_guard lock(mutex_);
  pending_ = 0;
  idle_cv_.notify_all();
}

uint64_t AgentExecutor::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

bool AgentExecutor::wait_idle(int64_t timeout_ms) {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return pending_ == 0; });
}

}  // namespace ai_forwarder
