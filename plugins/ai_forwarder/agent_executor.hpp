// SPDX-License-Identifier: GPL-3.0-or-later
// AgentExecutor: a small thread pool where each agent's jobs run one at a time in submission order,
// while different agents' jobs run concurrently (a slow AI for one agent never delays another).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ai_forwarder {

class AgentExecutor {
 public:
  // `workers` threads (at least 1); at most `max_queued_per_agent` waiting jobs per agent.
  AgentExecutor(size_t workers, size_t max_queued_per_agent);
  ~AgentExecutor();
  AgentExecutor(const AgentExecutor&) = delete;
  AgentExecutor& operator=(const AgentExecutor&) = delete;

  // False when the agent's queue is full or the executor stopped (the job is dropped and counted).
  bool submit(const std::string& agent_id, std::function<void()> job);
  // Lets running jobs finish, drops queued ones, joins the threads. Idempotent.
  void stop();

  uint64_t dropped() const;
  // Blocks until no job is queued or running (tests and orderly shutdown); false on timeout.
  bool wait_idle(int64_t timeout_ms);

 private:
  struct AgentQueue {
    std::deque<std::function<void()>> jobs;
    bool scheduled = false;  // in ready_ or running on a worker
  };
  void run();

  const size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable work_cv_, idle_cv_;
  std::map<std::string, AgentQueue> agents_;
  std::deque<std::string> ready_;  // agents with work and no running job, oldest first
  size_t pending_ = 0;             // queued + running
  uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ai_forwarder
