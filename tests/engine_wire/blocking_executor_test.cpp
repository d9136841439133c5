// SPDX-License-Identifier: GPL-3.0-or-later
// BlockingExecutor: work runs on its own threads, the queue bound refuses more, a throwing job is
// contained, a stopped executor takes nothing.
#include <cppunit/extensions/HelperMacros.h>

#include <future>
#include <stdexcept>
#include <thread>

#include "host/engine/types/blocking_executor.hpp"

using wabot::engine::BlockingExecutor;

class BlockingExecutorTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BlockingExecutorTest);
  CPPUNIT_TEST(runs_work_on_a_pool_thread);
  CPPUNIT_TEST(refuses_work_over_the_queue_bound);
  CPPUNIT_TEST(a_throwing_job_is_contained);
  CPPUNIT_TEST(a_stopped_executor_takes_nothing);
  CPPUNIT_TEST_SUITE_END();

 public:
  void runs_work_on_a_pool_thread() {
    BlockingExecutor ex("t", 2);
    std::promise<std::thread::id> ran;
    auto id = ran.get_future();
    CPPUNIT_ASSERT(ex.post([&] { ran.set_value(std::this_thread::get_id()); }));
    CPPUNIT_ASSERT(id.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    CPPUNIT_ASSERT(id.get() != std::this_thread::get_id());
  }

  void refuses_work_over_the_queue_bound() {
    BlockingExecutor ex("t", 1, 2);
    std::promise<void> release;
    auto gate = release.get_future().share();
    std::promise<void> started;
    CPPUNIT_ASSERT(ex.post([&, gate] { started.set_value(); gate.wait(); }));  // holds the one thread
    CPPUNIT_ASSERT(started.get_future().wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    CPPUNIT_ASSERT(ex.post([gate] { gate.wait(); }));   // queued: 2 of 2
    CPPUNIT_ASSERT(!ex.post([] {}));                    // over the bound: refused, not queued
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), ex.queued());
    release.set_value();
    ex.stop();
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), ex.queued());
  }

  void a_throwing_job_is_contained() {
    BlockingExecutor ex("t", 1);
    CPPUNIT_ASSERT(ex.post([] { throw std::runtime_error("boom"); }));
    std::promise<void> after;
    auto done = after.get_future();
    CPPUNIT_ASSERT(ex.post([&] { after.set_value(); }));
    CPPUNIT_ASSERT(done.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  }

  void a_stopped_executor_takes_nothing() {
    BlockingExecutor ex("t", 1);
    ex.stop();
    CPPUNIT_ASSERT(!ex.post([] {}));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BlockingExecutorTest);
