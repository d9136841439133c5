// SPDX-License-Identifier: GPL-3.0-or-later
// The per-agent send limiter at its real numbers on the real executable: with the defaults (100 per
// minute, burst 100, queue 500) 150 sends fired at once all answer 200, the first 100 at once, the rest
// one token (600 ms) apart, and all 150 reach a Baileys peer, the waiting ones in the order they were
// let through. With a small queue, a send beyond it answers 429 RATE_LIMITED at once.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "wabot_system.hpp"

using wabot::test::HttpReply;
using wabot::test::WabotSystem;
using wabot::test::WaPeerProcess;

namespace {

constexpr const char* kBotPhone = "15558882001";
constexpr const char* kPeerPhone = "15558882002";
constexpr const char* kApiKey = "sk-burst-agent-key";

using Clock = std::chrono::steady_clock;

struct Sent {
  HttpReply reply;
  std::int64_t answered_after_ms = 0;  // since the burst was fired
};

// Fires `n` sends at once (one thread and connection each, released together) and waits for all.
std::vector<Sent> fire(WabotSystem& system, int n, const std::string& prefix) {
  std::vector<Sent> sent(static_cast<std::size_t>(n));
  std::vector<std::thread> threads;
  std::mutex mu;
  std::condition_variable go_cv;
  bool go = false;
  Clock::time_point start;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      {
        std::unique_lock lock(mu);
        go_cv.wait(lock, [&] { return go; });
      }
      wabot::test::HttpCall call;
      call.bearer = kApiKey;
      call.timeout_s = 120;
      const std::string body = R"({"to":")" + std::string(kPeerPhone) + R"(","message":")" + prefix + std::to_string(i) + "\"}";
      sent[static_cast<std::size_t>(i)].reply = wabot::test::try_http_request(system.port(), "POST", "/agents/burst/messages", body, call);
      sent[static_cast<std::size_t>(i)].answered_after_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    });
  {
    std::lock_guard lock(mu);
    start = Clock::now();
    go = true;
  }
  go_cv.notify_all();
  for (auto& t : threads) t.join();
  return sent;
}

}  // namespace

class SendBurstTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SendBurstTest);
  CPPUNIT_TEST(burst_of_150_at_the_default_limits_all_arrive_in_order);
  CPPUNIT_TEST(a_send_beyond_a_full_queue_is_429_at_once);
  CPPUNIT_TEST_SUITE_END();

 public:
  // Default limiter and default http.threads (128): a send waiting for a token holds its HTTP worker
  // thread, so with too few threads every other request waits behind the queued sends (with 8: GET
  // /health took 22.8 s; README).
  void burst_of_150_at_the_default_limits_all_arrive_in_order() {
    if (!WabotSystem::simulator_usable()) return;
    // WABOT_SYSTEM_HTTP_THREADS=8 shows the API blocked behind the waiting sends.
    const char* threads_env = std::getenv("WABOT_SYSTEM_HTTP_THREADS");
    WabotSystem system(wabot::test::WabotSystemOptions{"", "unused", threads_env ? std::atoi(threads_env) : 0});
    system.start();
    auto peer = system.paired_peer("peer", kPeerPhone);
    system.link_agent("burst", kBotPhone, kApiKey);

    constexpr int kSends = 150;
    // While ~45 sends wait for tokens, GET /health must still answer quickly.
    std::int64_t health_ms = -1;
    int health_status = 0;
    std::thread probe([&] {
      std::this_thread::sleep_for(std::chrono::seconds(3));  // a point in the waiting phase, not synchronisation
      const auto t0 = Clock::now();
      health_status = wabot::test::try_http_request(system.port(), "GET", "/health").status;
      health_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    });
    auto sent = fire(system, kSends, "burst-");
    probe.join();
    CPPUNIT_ASSERT_EQUAL(200, health_status);
    CPPUNIT_ASSERT_MESSAGE("GET /health took " + std::to_string(health_ms) + " ms during the burst", health_ms < 2'000);
    std::vector<std::int64_t> answered;
    std::map<std::string, std::int64_t> answered_by_id;
    for (const Sent& s : sent) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(s.reply.body, 200, s.reply.status);
      CPPUNIT_ASSERT(s.reply.data()->getValue<bool>("delivered"));
      answered.push_back(s.answered_after_ms);
      answered_by_id[s.reply.data()->getValue<std::string>("messageId")] = s.answered_after_ms;
    }
    std::sort(answered.begin(), answered.end());
    // The bucket starts full: 100 go at once (without the burst they would take 60 s).
    CPPUNIT_ASSERT_MESSAGE("the 100th send took " + std::to_string(answered[99]) + " ms", answered[99] < 20'000);
    // A token bucket of 100/min can let the k-th send beyond the burst go no earlier than k × 600 ms.
    for (int k = 101; k <= kSends; ++k)
      CPPUNIT_ASSERT_MESSAGE("send " + std::to_string(k) + " answered after " + std::to_string(answered[k - 1]) + " ms",
                             answered[static_cast<std::size_t>(k - 1)] >= (k - 100) * 600 - 50);
    CPPUNIT_ASSERT(answered.back() >= 29'500);
    std::cerr << "\n[burst] 150 sends at the default limits: 1st answered after " << answered.front() << " ms, 100th after "
              << answered[99] << " ms, 101st after " << answered[100] << " ms, 150th after " << answered.back() << " ms; GET /health during the wait: " << health_ms << " ms\n";

    // All 150 reach the peer; a send answered ≥ 300 ms before another (so it left first) arrives first.
    CPPUNIT_ASSERT(wabot::test::eventually([&] {
      std::size_t n = 0;
      for (const auto& e : peer->events())
        if (e->optValue<std::string>("event", "") == "message" && answered_by_id.count(e->optValue<std::string>("id", ""))) ++n;
      return n == static_cast<std::size_t>(kSends);
    }, std::chrono::seconds(60)));
    std::vector<std::string> arrival;
    std::map<std::string, int> copies;
    for (const auto& e : peer->events()) {
      const std::string id = e->optValue<std::string>("id", "");
      if (e->optValue<std::string>("event", "") != "message" || !answered_by_id.count(id)) continue;
      if (copies[id]++ == 0) arrival.push_back(id);
      CPPUNIT_ASSERT_EQUAL(std::string("text"), e->getValue<std::string>("type"));
    }
    CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(kSends), arrival.size());
    for (const auto& [id, n] : copies) CPPUNIT_ASSERT_EQUAL_MESSAGE(id, 1, n);
    for (std::size_t i = 0; i < arrival.size(); ++i)
      for (std::size_t j = i + 1; j < arrival.size(); ++j)
        CPPUNIT_ASSERT_MESSAGE("message answered at " + std::to_string(answered_by_id[arrival[j]]) +
                                   " ms arrived before one answered at " + std::to_string(answered_by_id[arrival[i]]) + " ms",
                               answered_by_id[arrival[j]] + 300 > answered_by_id[arrival[i]]);
    CPPUNIT_ASSERT_EQUAL(0, system.wabot().terminate());
  }

  // burst 2, one token per 2 s, queue 3: of 8 sends fired at once 2 go at once, 3 wait and go, 3 find
  // the queue full and answer 429 RATE_LIMITED at once.
  void a_send_beyond_a_full_queue_is_429_at_once() {
    if (!WabotSystem::simulator_usable()) return;
    WabotSystem system(wabot::test::WabotSystemOptions{"{per_minute: 30, burst: 2, queue_size: 3}", "unused", 200});
    system.start();
    auto peer = system.paired_peer("peer", kPeerPhone);
    system.link_agent("burst", kBotPhone, kApiKey);

    auto sent = fire(system, 8, "small-");
    std::vector<std::string> ids;
    std::vector<std::int64_t> ok_after;
    int limited = 0;
    for (const Sent& s : sent) {
      if (s.reply.status == 429) {
        ++limited;
        CPPUNIT_ASSERT_EQUAL(std::string("RATE_LIMITED"), s.reply.error_code());
        CPPUNIT_ASSERT_MESSAGE("429 took " + std::to_string(s.answered_after_ms) + " ms", s.answered_after_ms < 1'500);
      } else {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(s.reply.body, 200, s.reply.status);
        ids.push_back(s.reply.data()->getValue<std::string>("messageId"));
        ok_after.push_back(s.answered_after_ms);
      }
    }
    CPPUNIT_ASSERT_EQUAL(3, limited);
    CPPUNIT_ASSERT_EQUAL(std::size_t{5}, ids.size());
    std::sort(ok_after.begin(), ok_after.end());
    CPPUNIT_ASSERT(ok_after[4] >= 3 * 2'000 - 50);  // the third waiter needed the third token
    for (const std::string& id : ids) peer->call("waitMessage", WaPeerProcess::args({{"messageId", id}, {"timeout_ms", 30000}}));
    // The queue drained: a later send goes through again.
    HttpReply again = system.agent_call("POST", "/agents/burst/messages",
                                        R"({"to":")" + std::string(kPeerPhone) + R"(","message":"after the burst"})", kApiKey);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 200, again.status);
    CPPUNIT_ASSERT_EQUAL(0, system.wabot().terminate());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SendBurstTest);
