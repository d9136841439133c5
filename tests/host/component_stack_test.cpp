// SPDX-License-Identifier: GPL-3.0-or-later
// ComponentStack: start in order, stop in reverse, a failed start unwinds nothing it did not start.
#include "host/app/component_stack.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>

using namespace wabot::app;

class ComponentStackTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ComponentStackTest);
  CPPUNIT_TEST(stops_in_reverse_start_order);
  CPPUNIT_TEST(failed_start_is_reported_and_not_stopped);
  CPPUNIT_TEST(throwing_start_becomes_an_error_value);
  CPPUNIT_TEST(stop_all_is_idempotent);
  CPPUNIT_TEST_SUITE_END();

  std::vector<std::string> events_;

  std::unique_ptr<Component> make(const std::string& name, std::string start_error = "") {
    return std::make_unique<FunctionComponent>(
        name,
        [this, name, start_error] {
          events_.push_back("start " + name);
          return start_error;
        },
        [this, name] { events_.push_back("stop " + name); });
  }

 public:
  void setUp() override { events_.clear(); }

  void stops_in_reverse_start_order() {
    ComponentStack stack;
    for (const char* name : {"store", "http", "sessions", "plugins"}) CPPUNIT_ASSERT(stack.start(make(name)).empty());
    stack.stop_all();
    std::vector<std::string> expected{"start store", "start http",    "start sessions", "start plugins",
                                      "stop plugins", "stop sessions", "stop http",      "stop store"};
    CPPUNIT_ASSERT(events_ == expected);
  }

  void failed_start_is_reported_and_not_stopped() {
    ComponentStack stack;
    CPPUNIT_ASSERT(stack.start(make("store")).empty());
    CPPUNIT_ASSERT_EQUAL(std::string("failed to start http: address in use"), stack.start(make("http", "address in use")));
    CPPUNIT_ASSERT(stack.started_names() == std::vector<std::string>{"store"});
    stack.stop_all();
    std::vector<std::string> expected{"start store", "start http", "stop store"};
    CPPUNIT_ASSERT(events_ == expected);
  }

  void throwing_start_becomes_an_error_value() {
    ComponentStack stack;
    auto thrower = std::make_unique<FunctionComponent>(
        "db", []() -> std::string { throw std::runtime_error("disk full"); }, [] {});
    CPPUNIT_ASSERT_EQUAL(std::string("failed to start db: disk full"), stack.start(std::move(thrower)));
    CPPUNIT_ASSERT(stack.started_names().empty());
  }

  void stop_all_is_idempotent() {
    {
      ComponentStack stack;
      stack.start(make("a"));
      stack.stop_all();
      stack.stop_all();
    }  // and the destructor stops nothing twice
    std::vector<std::string> expected{"start a", "stop a"};
    CPPUNIT_ASSERT(events_ == expected);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ComponentStackTest);
