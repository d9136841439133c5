// SPDX-License-Identifier: GPL-3.0-or-later
// The optional per-client-IP API limit (http.ip_rate_limit): a token bucket per address, refilled
// at per_minute tokens a minute, with a whitelist. Memory is bounded: idle buckets are pruned.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace wabot::http {

class IpRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // max_tracked_ips bounds the table: beyond it, full buckets (idle a minute or more) are dropped,
  // and if none are, new addresses are refused rather than growing without limit.
  IpRateLimiter(int per_minute, std::vector<std::string> whitelist, std::size_t max_tracked_ips = 100'000);

  struct Decision {
    bool allowed = false;
    std::int64_t retry_after_s = 0;  // when refused: seconds until one token is back
  };
  // client_ip in canonical form (Poco::Net::IPAddress::toString()).
  Decision allow(const std::string& client_ip, Clock::time_point now);
  Decision allow(const std::string& client_ip) { return allow(client_ip, Clock::now()); }

  std::size_t tracked_ips() const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  void prune(Clock::time_point now);

  const double capacity_;
  const double tokens_per_ms_;
  const std::set<std::string> whitelist_;
  const std::size_t max_tracked_ips_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace wabot::http
