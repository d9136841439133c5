// SPDX-License-Identifier: GPL-3.0-or-later
// Router: parameters, literal precedence, 404 vs 405, pattern validation, duplicates, concurrent adds.
#include "host/http/router.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <thread>

using wabot::http::Handler;
using wabot::http::Request;
using wabot::http::Response;
using wabot::http::Router;

namespace {
Handler tagged(std::string tag) {
  return [tag](const Request&, Response& res) { res.body = tag; };
}
std::string run(const Router::Match& m) {
  Request req;
  Response res;
  m.handler(req, res);
  return res.body;
}
}  // namespace

class RouterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RouterTest);
  CPPUNIT_TEST(parameters_are_extracted);
  CPPUNIT_TEST(literal_segment_wins_over_parameter);
  CPPUNIT_TEST(literal_wins_at_the_first_differing_position);
  CPPUNIT_TEST(unknown_path_is_not_found);
  CPPUNIT_TEST(known_path_with_wrong_method_lists_allowed_methods);
  CPPUNIT_TEST(method_match_prefers_a_route_that_serves_the_method);
  CPPUNIT_TEST(parameters_never_match_empty_segments);
  CPPUNIT_TEST(root_route_matches_only_root);
  CPPUNIT_TEST(invalid_patterns_are_refused);
  CPPUNIT_TEST(duplicates_are_refused_even_with_other_parameter_names);
  CPPUNIT_TEST(routes_lists_owner_and_pattern);
  CPPUNIT_TEST(concurrent_adds_and_matches_are_safe);
  CPPUNIT_TEST_SUITE_END();

 public:
  void parameters_are_extracted() {
    Router r;
    CPPUNIT_ASSERT(r.add("POST", "/agents/{agentId}/messages/{messageId}", tagged("m"), "rest_api") == Router::AddResult::ok);
    auto m = r.match("POST", "/agents/bot-1/messages/3EB0ABC");
    CPPUNIT_ASSERT(m.kind == Router::MatchKind::found);
    CPPUNIT_ASSERT_EQUAL(std::string("bot-1"), m.path_params.at("agentId"));
    CPPUNIT_ASSERT_EQUAL(std::string("3EB0ABC"), m.path_params.at("messageId"));
    CPPUNIT_ASSERT_EQUAL(std::string("/agents/{agentId}/messages/{messageId}"), m.pattern);
    CPPUNIT_ASSERT_EQUAL(std::string("rest_api"), m.owner);
    CPPUNIT_ASSERT_EQUAL(std::string("m"), run(m));
  }

  void literal_segment_wins_over_parameter() {
    Router r;
    // the parameter route is added first: precedence must not depend on order
    CPPUNIT_ASSERT(r.add("GET", "/sessions/{agentId}", tagged("param"), "a") == Router::AddResult::ok);
    CPPUNIT_ASSERT(r.add("GET", "/sessions/stats", tagged("literal"), "b") == Router::AddResult::ok);
    CPPUNIT_ASSERT_EQUAL(std::string("literal"), run(r.match("GET", "/sessions/stats")));
    auto m = r.match("GET", "/sessions/bot-1");
    CPPUNIT_ASSERT_EQUAL(std::string("param"), run(m));
    CPPUNIT_ASSERT_EQUAL(std::string("bot-1"), m.path_params.at("agentId"));
  }

  void literal_wins_at_the_first_differing_position() {
    Router r;
    r.add("GET", "/a/{x}/c", tagged("param-first"), "t");
    r.add("GET", "/a/b/{y}", tagged("literal-first"), "t");
    CPPUNIT_ASSERT_EQUAL(std::string("literal-first"), run(r.match("GET", "/a/b/c")));
    CPPUNIT_ASSERT_EQUAL(std::string("param-first"), run(r.match("GET", "/a/z/c")));
  }

  void unknown_path_is_not_found() {
    Router r;
    r.add("GET", "/health", tagged("h"), "t");
    CPPUNIT_ASSERT(r.match("GET", "/healthz").kind == Router::MatchKind::not_found);
    CPPUNIT_ASSERT(r.match("GET", "/health/x").kind == Router::MatchKind::not_found);
    CPPUNIT_ASSERT(r.match("GET", "").kind == Router::MatchKind::not_found);
    CPPUNIT_ASSERT(r.match("GET", "health").kind == Router::MatchKind::not_found);
  }

  void known_path_with_wrong_method_lists_allowed_methods() {
    Router r;
    r.add("GET", "/sessions/{agentId}", tagged("get"), "t");
    r.add("DELETE", "/sessions/{agentId}", tagged("del"), "t");
    auto m = r.match("PUT", "/sessions/bot-1");
    CPPUNIT_ASSERT(m.kind == Router::MatchKind::method_not_allowed);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, m.allowed_methods.size());
    CPPUNIT_ASSERT_EQUAL(std::string("DELETE"), m.allowed_methods[0]);
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), m.allowed_methods[1]);
    CPPUNIT_ASSERT(!m.handler);
  }

  void method_match_prefers_a_route_that_serves_the_method() {
    Router r;
    r.add("GET", "/sessions/{agentId}", tagged("get-param"), "t");
    r.add("POST", "/sessions/list", tagged("post-literal"), "t");
    // the literal route does not serve GET; the parameter route does, so no 405
    CPPUNIT_ASSERT_EQUAL(std::string("get-param"), run(r.match("GET", "/sessions/list")));
    CPPUNIT_ASSERT_EQUAL(std::string("post-literal"), run(r.match("POST", "/sessions/list")));
  }

  void parameters_never_match_empty_segments() {
    Router r;
    r.add("GET", "/sessions/{agentId}", tagged("p"), "t");
    CPPUNIT_ASSERT(r.match("GET", "/sessions/").kind == Router::MatchKind::not_found);
    CPPUNIT_ASSERT(r.match("GET", "/sessions").kind == Router::MatchKind::not_found);
    CPPUNIT_ASSERT(r.match("GET", "//bot").kind == Router::MatchKind::not_found);
  }

  void root_route_matches_only_root() {
    Router r;
    CPPUNIT_ASSERT(r.add("GET", "/", tagged("root"), "t") == Router::AddResult::ok);
    CPPUNIT_ASSERT_EQUAL(std::string("root"), run(r.match("GET", "/")));
    CPPUNIT_ASSERT(r.match("GET", "/x").kind == Router::MatchKind::not_found);
  }

  void invalid_patterns_are_refused() {
    Router r;
    for (const char* bad : {"", "sessions", "/a//b", "/a/", "/a/{}", "/a/{x}/{x}", "/a/{1x}", "/a/{x-y}", "/a/b{x}",
                            "/a/{x", "/a/x}", "/a b", "/a?x=1", "/a#f"})
      CPPUNIT_ASSERT_MESSAGE(bad, r.add("GET", bad, tagged("x"), "t") == Router::AddResult::invalid_pattern);
    CPPUNIT_ASSERT(r.add("get", "/a", tagged("x"), "t") == Router::AddResult::invalid_pattern);
    CPPUNIT_ASSERT(r.add("", "/a", tagged("x"), "t") == Router::AddResult::invalid_pattern);
    CPPUNIT_ASSERT(r.add("GET", "/a", Handler(), "t") == Router::AddResult::invalid_pattern);
    CPPUNIT_ASSERT(r.routes().empty());
  }

  void duplicates_are_refused_even_with_other_parameter_names() {
    Router r;
    CPPUNIT_ASSERT(r.add("GET", "/sessions/{agentId}", tagged("1"), "a") == Router::AddResult::ok);
    CPPUNIT_ASSERT(r.add("GET", "/sessions/{agentId}", tagged("2"), "b") == Router::AddResult::duplicate);
    CPPUNIT_ASSERT(r.add("GET", "/sessions/{id}", tagged("3"), "b") == Router::AddResult::duplicate);
    CPPUNIT_ASSERT(r.add("POST", "/sessions/{agentId}", tagged("4"), "b") == Router::AddResult::ok);
    CPPUNIT_ASSERT_EQUAL(std::string("1"), run(r.match("GET", "/sessions/x")));
  }

  void routes_lists_owner_and_pattern() {
    Router r;
    r.add("GET", "/metrics", tagged("m"), "metrics");
    r.add("GET", "/health", tagged("h"), "rest_api");
    auto routes = r.routes();
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, routes.size());
    CPPUNIT_ASSERT_EQUAL(std::string("/metrics"), routes[0].pattern);
    CPPUNIT_ASSERT_EQUAL(std::string("metrics"), routes[0].owner);
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), routes[1].method);
  }

  void concurrent_adds_and_matches_are_safe() {
    Router r;
    constexpr int kThreads = 4, kRoutesPerThread = 200;
    std::atomic<bool> stop{false};
    std::atomic<int> matched{0};
    std::thread reader([&] {
      while (!stop) {
        auto m = r.match("GET", "/t0/r0/x");
        if (m.kind == Router::MatchKind::found) ++matched;
      }
    });
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t)
      writers.emplace_back([&r, t] {
        for (int i = 0; i < kRoutesPerThread; ++i)
          r.add("GET", "/t" + std::to_string(t) + "/r" + std::to_string(i) + "/{p}", tagged(std::to_string(i)), "w");
      });
    for (auto& w : writers) w.join();
    stop = true;
    reader.join();
    CPPUNIT_ASSERT_EQUAL(std::size_t{kThreads * kRoutesPerThread}, r.routes().size());
    for (int t = 0; t < kThreads; ++t)
      for (int i = 0; i < kRoutesPerThread; i += 37) {
        auto m = r.match("GET", "/t" + std::to_string(t) + "/r" + std::to_string(i) + "/v");
        CPPUNIT_ASSERT(m.kind == Router::MatchKind::found);
        CPPUNIT_ASSERT_EQUAL(std::to_string(i), run(m));
      }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RouterTest);
