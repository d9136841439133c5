// SPDX-License-Identifier: GPL-3.0-or-later
// BackgroundWorker: jobs run in order off the caller's thread, the queue is bounded, a throwing job
// does not end the worker, and destroying the worker from one of its own jobs neither hangs nor crashes.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "host/engine/messaging/background_worker.hpp"

using wabot::engine::messaging::BackgroundWorker;

class BackgroundWorkerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BackgroundWorkerTest);
  CPPUNIT_TEST(runs_jobs_in_order_on_another_thread);
  CPPUNIT_TEST(queue_is_bounded);
  CPPUNIT_TEST(destroyed_from_its_own_job);
  CPPUNIT_TEST_SUITE_END();

  static constexpr auto kWait = std::chrono::seconds(10);

 public:
  void runs_jobs_in_order_on_another_thread() {
    BackgroundWorker w(8);
    std::mutex mu;
    std::vector<int> order;
    std::promise<std::thread::id> last;
    CPPUNIT_ASSERT(w.post([] { throw std::runtime_error("a job that throws"); }));
    for (int i = 0; i < 5; ++i)
      CPPUNIT_ASSERT(w.post([&, i] {
        std::lock_guard lock(mu);
        order.push_back(i);
      }));
    CPPUNIT_ASSERT(w.post([&] { last.set_value(std::this_thread::get_id()); }));
    auto f = last.get_future();
    CPPUNIT_ASSERT(f.wait_for(kWait) == std::future_status::ready);
    CPPUNIT_ASSERT(f.get() != std::this_thread::get_id());
    std::lock_guard lock(mu);
    CPPUNIT_ASSERT((order == std::vector<int>{0, 1, 2, 3, 4}));
  }

  void queue_is_bounded() {
    BackgroundWorker w(2);
    std::promise<void> started, release;
    auto release_f = release.get_future().share();
    CPPUNIT_ASSERT(w.post([&started, release_f] {
      started.set_value();
      release_f.wait();
    }));
    CPPUNIT_ASSERT(started.get_future().wait_for(kWait) == std::future_status::ready);  // the worker is busy
    CPPUNIT_ASSERT(w.post([] {}));
    CPPUNIT_ASSERT(w.post([] {}));
    CPPUNIT_ASSERT_MESSAGE("a third queued job must be refused", !w.post([] {}));
    release.set_value();
  }

  void destroyed_from_its_own_job() {
    auto w = std::make_shared<BackgroundWorker>(4);
    std::promise<void> done;
    std::weak_ptr<BackgroundWorker> weak = w;
    auto owner = std::make_shared<std::shared_ptr<BackgroundWorker>>(w);
    w.reset();
    CPPUNIT_ASSERT((*owner)->post([owner, &done] {
      owner->reset();  // the last reference: the worker is destroyed on its own thread
      done.set_value();
    }));
    CPPUNIT_ASSERT(done.get_future().wait_for(kWait) == std::future_status::ready);
    CPPUNIT_ASSERT(weak.expired());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BackgroundWorkerTest);
