// SPDX-License-Identifier: GPL-3.0-or-later
// Per-client-IP token buckets.
#include "host/http/ip_rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace wabot::http {

IpRateLimiter::IpRateLimiter(int per_minute, std::vector<std::string> whitelist, std::size_t max_tracked_ips)
    : capacity_(std::max(1, per_minute)),
      tokens_per_ms_(std::max(1, per_minute) / 60'000.0),
      whitelist_(whitelist.begin(), whitelist.end()),
      max_tracked_ips_(std::max<std::size_t>(1, max_tracked_ips)) {}

IpRateLimiter::Decision IpRateLimiter::allow(const std::string& client_ip, Clock::time_point now) {
  if (whitelist_.count(client_ip)) return {true, 0};
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(client_ip);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_tracked_ips_) prune(now);
    if (buckets_.size() >= max_tracked_ips_) return {false, 60};  // table full of active clients
    it = buckets_.emplace(client_ip, Bucket{capacity_, now}).first;
  }
  Bucket& b = it->second;
  auto elapsed_ms = std::chrono::duration<double, std::milli>(now - b.updated).count();
  if (elapsed_ms > 0) {
    b.tokens = std::min(capacity_, b.tokens + elapsed_ms * tokens_per_ms_);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {true, 0};
  }
  double wait_ms = (1.0 - b.tokens) / tokens_per_ms_;
  return {false, std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait_ms / 1000.0)))};
}

void IpRateLimiter::prune(Clock::time_point now) {
  // A bucket that would be full again carries no state worth keeping.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    auto elapsed_ms = std::chrono::duration<double, std::milli>(now - it->second.updated).count();
    if (it->second.tokens + elapsed_ms * tokens_per_ms_ >= capacity_)
      it = buckets_.erase(it);
    else
      ++it;
  }
}

std::size_t IpRateLimiter::tracked_ips() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace wabot::http
