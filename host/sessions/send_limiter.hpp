// SPDX-License-Identifier: GPL-3.0-or-later
// The per-agent WhatsApp send limiter: a token bucket (rate_limit.per_minute refilled per minute, up to
// rate_limit.burst) in front of a FIFO queue of at most rate_limit.queue_size waiting senders. Every
// send of an agent (REST sends, AI replies, developer alerts) passes through the same limiter, so they
// share one budget. A send that finds the queue full is refused at once (429 RATE_LIMITED upstream).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace wabot::sessions {

// Time source of the limiter. The steady clock in production; tests drive a manual clock.
class LimiterClock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~LimiterClock() = default;
  virtual time_point now() const = 0;
  // Block on `cv` until `deadline` (by this clock) or a notification, whichever comes first.
  virtual void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, time_point deadline) = 0;
};

LimiterClock& steady_limiter_clock();

struct SendLimiterOptions {
  double per_minute = 100;        // tokens added per minute
  double burst = 100;             // bucket capacity (and the initial fill)
  std::size_t queue_size = 500;   // senders allowed to wait; one more is refused
  bool enabled = true;            // false: every acquire is granted at once (benchmarks)
};

class SendLimiter {
 public:
  enum class Admission { unset = 0, granted, queue_full, shut_down };

  explicit SendLimiter(SendLimiterOptions options, LimiterClock& clock = steady_limiter_clock());
  SendLimiter(const SendLimiter&) = delete;
  SendLimiter& operator=(const SendLimiter&) = delete;

  // Takes one token, waiting in FIFO order behind earlier callers when the bucket is empty.
  // Returns queue_full at once when queue_size callers are already waiting, shut_down when
  // shutdown() is called while waiting (or was called before).
  Admission acquire();

  // Wakes every waiter with shut_down; later acquires are refused the same way.
  void shutdown();

  // Re-evaluate waiters now (a manual clock calls this after moving time forward).
  void notify();

  std::size_t waiting() const;
  double tokens() const;  // after refill at the current time; for tests and metrics

 private:
  void refill_locked() const;

  SendLimiterOptions options_;
  LimiterClock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  mutable double tokens_;  // refilled lazily, also from const readers
  mutable LimiterClock::time_point last_refill_;
  std::uint64_t next_ticket_ = 0;    // handed to the next waiter
  std::uint64_t serving_ticket_ = 0; // the waiter at the head of the queue
  std::size_t waiting_ = 0;
  bool shut_down_ = false;
};

}  // namespace wabot::sessions
