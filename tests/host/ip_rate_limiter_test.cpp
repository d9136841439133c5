// SPDX-License-Identifier: GPL-3.0-or-later
// IpRateLimiter on a fake clock: burst, refill, whitelist, per-address buckets, bounded table.
#include "host/http/ip_rate_limiter.hpp"

#include <cppunit/extensions/HelperMacros.h>

using wabot::http::IpRateLimiter;
using namespace std::chrono_literals;

class IpRateLimiterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(IpRateLimiterTest);
  CPPUNIT_TEST(allows_a_burst_of_per_minute_then_refuses);
  CPPUNIT_TEST(refills_at_per_minute_rate);
  CPPUNIT_TEST(whitelisted_addresses_are_never_limited);
  CPPUNIT_TEST(each_address_has_its_own_bucket);
  CPPUNIT_TEST(table_of_addresses_is_bounded);
  CPPUNIT_TEST_SUITE_END();

  IpRateLimiter::Clock::time_point t0_ = IpRateLimiter::Clock::time_point() + 1h;

 public:
  void allows_a_burst_of_per_minute_then_refuses() {
    IpRateLimiter limiter(3, {});
    for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT(limiter.allow("10.0.0.1", t0_).allowed);
    auto refused = limiter.allow("10.0.0.1", t0_);
    CPPUNIT_ASSERT(!refused.allowed);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{20}, refused.retry_after_s);  // 3 a minute: one token per 20 s
  }

  void refills_at_per_minute_rate() {
    IpRateLimiter limiter(3, {});
    for (int i = 0; i < 3; ++i) limiter.allow("10.0.0.1", t0_);
    CPPUNIT_ASSERT(!limiter.allow("10.0.0.1", t0_ + 19s).allowed);
    CPPUNIT_ASSERT(limiter.allow("10.0.0.1", t0_ + 20s).allowed);
    CPPUNIT_ASSERT(!limiter.allow("10.0.0.1", t0_ + 21s).allowed);
    // a long idle refills only up to the burst
    for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT(limiter.allow("10.0.0.1", t0_ + 1h).allowed);
    CPPUNIT_ASSERT(!limiter.allow("10.0.0.1", t0_ + 1h).allowed);
  }

  void whitelisted_addresses_are_never_limited() {
    IpRateLimiter limiter(1, {"127.0.0.1"});
    for (int i = 0; i < 100; ++i) CPPUNIT_ASSERT(limiter.allow("127.0.0.1", t0_).allowed);
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, limiter.tracked_ips());
  }

  void each_address_has_its_own_bucket() {
    IpRateLimiter limiter(1, {});
    CPPUNIT_ASSERT(limiter.allow("10.0.0.1", t0_).allowed);
    CPPUNIT_ASSERT(!limiter.allow("10.0.0.1", t0_).allowed);
    CPPUNIT_ASSERT(limiter.allow("10.0.0.2", t0_).allowed);
  }

  void table_of_addresses_is_bounded() {
    IpRateLimiter limiter(60, {}, 10);
    for (int i = 0; i < 10; ++i) CPPUNIT_ASSERT(limiter.allow("10.0.0." + std::to_string(i), t0_).allowed);
    // full of active clients: a new address is refused rather than growing the table
    CPPUNIT_ASSERT(!limiter.allow("10.0.1.1", t0_).allowed);
    CPPUNIT_ASSERT_EQUAL(std::size_t{10}, limiter.tracked_ips());
    // a second later each bucket is full again, so they are pruned and the newcomer fits
    CPPUNIT_ASSERT(limiter.allow("10.0.1.1", t0_ + 1s).allowed);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, limiter.tracked_ips());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(IpRateLimiterTest);
