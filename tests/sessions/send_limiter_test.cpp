// SPDX-License-Identifier: GPL-3.0-or-later
// SendLimiter: burst, refill, FIFO order of waiters, queue-full refusal and shutdown, on a manual clock.
#include "host/sessions/send_limiter.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include "eventually.hpp"

#include <atomic>
#include <thread>
#include <vector>

using namespace wabot::sessions;
using namespace std::chrono_literals;

namespace {

// Time moves only when the test says so; waiting is "until notified".
class ManualClock final : public LimiterClock {
 public:
  time_point now() const override { return now_.load(); }
  void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, time_point) override { cv.wait(lock); }
  void advance(std::chrono::milliseconds d) { now_.store(now_.load() + d); }

 private:
  std::atomic<time_point> now_{time_point{} + 1h};
};

// Polls a condition for up to 10 s; the limiter gives no event for "a thread is now waiting".
template <typename F>
bool eventually(F f) {
  return wabot::test::eventually(f, 10s, 1ms);
}

}  // namespace

class SendLimiterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SendLimiterTest);
  CPPUNIT_TEST(burst_is_granted_at_once_then_the_bucket_is_empty);
  CPPUNIT_TEST(tokens_refill_at_the_per_minute_rate_up_to_burst);
  CPPUNIT_TEST(waiters_are_served_in_arrival_order);
  CPPUNIT_TEST(a_full_queue_refuses_at_once);
  CPPUNIT_TEST(shutdown_releases_every_waiter);
  CPPUNIT_TEST(disabled_limiter_never_waits);
  CPPUNIT_TEST(real_clock_waiter_gets_a_token_after_the_refill_interval);
  CPPUNIT_TEST_SUITE_END();

 public:
  void burst_is_granted_at_once_then_the_bucket_is_empty() {
    ManualClock clock;
    SendLimiter limiter({.per_minute = 100, .burst = 100, .queue_size = 500}, clock);
    for (int i = 0; i < 100; ++i) CPPUNIT_ASSERT(limiter.acquire() == SendLimiter::Admission::granted);
    CPPUNIT_ASSERT(limiter.tokens() < 1.0);
  }

  void tokens_refill_at_the_per_minute_rate_up_to_burst() {
    ManualClock clock;
    SendLimiter limiter({.per_minute = 60, .burst = 10, .queue_size = 5}, clock);
    for (int i = 0; i < 10; ++i) limiter.acquire();
    clock.advance(3000ms);  // 60/min = 1 per second
    CPPUNIT_ASSERT_DOUBLES_EQUAL(3.0, limiter.tokens(), 1e-6);
    clock.advance(std::chrono::milliseconds(3600 * 1000));
    CPPUNIT_ASSERT_DOUBLES_EQUAL(10.0, limiter.tokens(), 1e-6);
  }

  void waiters_are_served_in_arrival_order() {
    ManualClock clock;
    SendLimiter limiter({.per_minute = 60, .burst = 1, .queue_size = 10}, clock);
    CPPUNIT_ASSERT(limiter.acquire() == SendLimiter::Admission::granted);
    std::mutex order_mutex;
    std::vector<int> order;
    std::vector<std::thread> threads;
    for (int i = 0; i < 5; ++i) {
      threads.emplace_back([&, i] {
        if (limiter.acquire() == SendLimiter::Admission::granted) {
          std::lock_guard lock(order_mutex);
          order.push_back(i);
        }
      });
      // Each thread must be queued before the next arrives, so arrival order is known.
      CPPUNIT_ASSERT(eventually([&] { return limiter.waiting() == static_cast<std::size_t>(i + 1); }));
    }
    for (int served = 1; served <= 5; ++served) {
      clock.advance(1000ms);
      limiter.notify();
      CPPUNIT_ASSERT(eventually([&] {
        std::lock_guard lock(order_mutex);
        return order.size() == static_cast<std::size_t>(served);
      }));
    }
    for (auto& t : threads) t.join();
    CPPUNIT_ASSERT((order == std::vector<int>{0, 1, 2, 3, 4}));
  }

  void a_full_queue_refuses_at_once() {
    ManualClock clock;
    SendLimiter limiter({.per_minute = 60, .burst = 1, .queue_size = 2}, clock);
    limiter.acquire();
    std::vector<std::thread> waiters;
    std::atomic<int> shut{0};
    for (int i = 0; i < 2; ++i)
      waiters.emplace_back([&] { if (limiter.acquire() == SendLimiter::Admission::shut_down) ++shut; });
    CPPUNIT_ASSERT(eventually([&] { return limiter.waiting() == 2; }));
    CPPUNIT_ASSERT(limiter.acquire() == SendLimiter::Admission::queue_full);
    limiter.shutdown();
    for (auto& t : waiters) t.join();
    CPPUNIT_ASSERT_EQUAL(2, shut.load());
  }

  void shutdown_releases_every_waiter() {
    ManualClock clock;
    SendLimiter limiter({.per_minute = 1, .burst = 1, .queue_size = 100}, clock);
    limiter.acquire();
    std::atomic<int> released{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 20; ++i)
      threads.emplace_back([&] { if (limiter.acquire() == SendLimiter::Admission::shut_down) ++released; });
    CPPUNIT_ASSERT(eventually([&] { return limiter.waiting() == 20; }));
    limiter.shutdown();
    for (auto& t : threads) t.join();
    CPPUNIT_ASSERT_EQUAL(20, released.load());
    CPPUNIT_ASSERT(limiter.acquire() == SendLimiter::Admission::shut_down);
  }

  void disabled_limiter_never_waits() {
    ManualClock clock;
    SendLimiter limiter({.per_minute = 1, .burst = 1, .queue_size = 0, .enabled = false}, clock);
    for (int i = 0; i < 1000; ++i) CPPUNIT_ASSERT(limiter.acquire() == SendLimiter::Admission::granted);
  }

  void real_clock_waiter_gets_a_token_after_the_refill_interval() {
    // 6000/min = one token every 10 ms: the steady clock path must wake the head waiter by itself.
    SendLimiter limiter({.per_minute = 6000, .burst = 1, .queue_size = 10});
    CPPUNIT_ASSERT(limiter.acquire() == SendLimiter::Admission::granted);
    CPPUNIT_ASSERT(limiter.acquire() == SendLimiter::Admission::granted);
    CPPUNIT_ASSERT(limiter.acquire() == SendLimiter::Admission::granted);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SendLimiterTest);
