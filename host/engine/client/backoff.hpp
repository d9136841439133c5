// SPDX-License-Identifier: GPL-3.0-or-later
// Backoff: exponential reconnect delays with jitter (capped), reset after a successful login.
#pragma once

#include <cstdint>
#include <random>

namespace wabot::engine::client {

class Backoff {
 public:
  Backoff(std::int64_t initial_ms, std::int64_t max_ms, double jitter, std::uint64_t seed);

  // The delay before the next attempt: initial * 2^attempts, capped at max, times (1 +- jitter).
  std::int64_t next_delay_ms();
  void reset() { attempts_ = 0; }
  std::uint32_t attempts() const { return attempts_; }

 private:
  std::int64_t initial_ms_;
  std::int64_t max_ms_;
  double jitter_;
  std::uint32_t attempts_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace wabot::engine::client
