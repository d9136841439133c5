// SPDX-License-Identifier: GPL-3.0-or-later
// Exponential backoff with jitter, so that 1,000 agents losing the same server do not return in lockstep.
#include "host/engine/client/backoff.hpp"

#include <algorithm>

namespace wabot::engine::client {

Backoff::Backoff(std::int64_t initial_ms, std::int64_t max_ms, double jitter, std::uint64_t seed)
    : initial_ms_(std::max<std::int64_t>(1, initial_ms)), max_ms_(std::max(initial_ms_, max_ms)),
      jitter_(std::clamp(jitter, 0.0, 1.0)), rng_(seed) {}

std::int64_t Backoff::next_delay_ms() {
  double base = static_cast<double>(initial_ms_);
  for (std::uint32_t i = 0; i < attempts_ && base < static_cast<double>(max_ms_); ++i) base *= 2;
  base = std::min(base, static_cast<double>(max_ms_));
  if (attempts_ < 64) ++attempts_;
  std::uniform_real_distribution<double> d(1.0 - jitter_, 1.0 + jitter_);
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(base * d(rng_)));
}

}  // namespace wabot::engine::client
