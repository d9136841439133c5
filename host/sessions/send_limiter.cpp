// SPDX-License-Identifier: GPL-3.0-or-later
// Token bucket + FIFO queue behind SendLimiter (see send_limiter.hpp).
#include "host/sessions/send_limiter.hpp"

#include <algorithm>

namespace wabot::sessions {
namespace {

class SteadyClock final : public LimiterClock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
  void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, time_point deadline) override {
    cv.wait_until(lock, deadline);
  }
};

}  // namespace

LimiterClock& steady_limiter_clock() {
  static SteadyClock clock;
  return clock;
}

SendLimiter::SendLimiter(SendLimiterOptions options, LimiterClock& clock)
    : options_(options), clock_(clock), tokens_(options.burst), last_refill_(clock.now()) {
  if (options_.burst < 1) options_.burst = 1;
  if (options_.per_minute <= 0) options_.per_minute = 1;
  tokens_ = options_.burst;
}

void SendLimiter::refill_locked() const {
  auto now = clock_.now();
  if (now <= last_refill_) return;
  double elapsed_s = std::chrono::duration<double>(now - last_refill_).count();
  tokens_ = std::min(options_.burst, tokens_ + elapsed_s * options_.per_minute / 60.0);
  last_refill_ = now;
}

SendLimiter::Admission SendLimiter::acquire() {
  if (!options_.enabled) return Admission::granted;
  std::unique_lock lock(mutex_);
  if (shut_down_) return Admission::shut_down;
  refill_locked();
  // Fast path: nobody waiting and a token available.
  if (waiting_ == 0 && tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return Admission::granted;
  }
  if (waiting_ >= options_.queue_size) return Admission::queue_full;

  const std::uint64_t ticket = next_ticket_++;
  ++waiting_;
  for (;;) {
    if (shut_down_) {
      --waiting_;
      // Leave the queue consistent for any later (refused) callers.
      if (ticket == serving_ticket_) ++serving_ticket_;
      cv_.notify_all();
      return Admission::shut_down;
    }
    refill_locked();
    if (ticket == serving_ticket_ && tokens_ >= 1.0) {
      tokens_ -= 1.0;
      ++serving_ticket_;
      --waiting_;
      cv_.notify_all();  // the next in line may already have a token
      return Admission::granted;
    }
    if (ticket == serving_ticket_) {
      // Head of the queue: sleep until the next whole token.
      double missing = 1.0 - tokens_;
      auto wait = std::chrono::duration<double>(missing * 60.0 / options_.per_minute);
      auto deadline = last_refill_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait) +
                      std::chrono::microseconds(1);
      clock_.wait_until(cv_, lock, deadline);
    } else {
      cv_.wait(lock);  // woken when the head moves
    }
  }
}

void SendLimiter::shutdown() {
  std::lock_guard lock(mutex_);
  shut_down_ = true;
  cv_.notify_all();
}

void SendLimiter::notify() {
  std::lock_guard lock(mutex_);
  cv_.notify_all();
}

std::size_t SendLimiter::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

double SendLimiter::tokens() const {
  std::lock_guard lock(mutex_);
  refill_locked();
  return tokens_;
}

}  // namespace wabot::sessions
