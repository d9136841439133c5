// SPDX-License-Identifier: GPL-3.0-or-later
// Scale probe: N agents paired and connected through one SessionManager (SQLite + simulator); the
// process's thread count must not grow with N, and the RSS per connected agent is printed.
// N = WABOT_SESSIONS_SCALE_AGENTS (default 20; e.g. 200 by hand).
#include "eventually.hpp"
#include "simulator_settings.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "host/sessions/session_manager.hpp"
#include "test_database.hpp"
#include "wa_sim_process.hpp"

using namespace wabot;
using wabot::engine::test::WaSimProcess;

namespace {

long proc_status_kb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::strtol(line.c_str() + key.size() + 1, nullptr, 10);
  return -1;
}

using wabot::test::eventually;

}  // namespace

class SessionScaleTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SessionScaleTest);
  CPPUNIT_TEST(many_agents_share_the_loop_threads);
  CPPUNIT_TEST_SUITE_END();

 public:
  void many_agents_share_the_loop_threads() {
    if (!WaSimProcess::available()) {
      std::cerr << " [skipped: run `npm ci` in tests/wa_sim]";
      return;
    }
    const char* env = std::getenv("WABOT_SESSIONS_SCALE_AGENTS");
    const int n = env ? std::max(1, std::atoi(env)) : 20;
    auto db = store::test::TestDatabase::create(store::test::Backend::sqlite);
    WaSimProcess sim;
    sessions::SessionManagerOptions o;
    wabot::test::SimulatorSettings::of(sim).apply(o.engine);
    o.qr_wait_on_create_ms = 30'000;
    std::string error;
    auto manager = sessions::SessionManager::create(std::shared_ptr<store::Database>(&db->db(), [](store::Database*) {}), o, error);
    CPPUNIT_ASSERT_MESSAGE(error, manager != nullptr);
    long threads_before = proc_status_kb("Threads");
    long rss_before_kb = proc_status_kb("VmRSS");
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      std::string agent = "scale-" + std::to_string(i);
      auto created = manager->create(plugins::SessionCreateRequest{"user-1", agent, agent, "", 0});
      CPPUNIT_ASSERT_MESSAGE(created.status().to_string(), created.is_ok() && created.value().session.qr);
      std::string phone = std::to_string(15560000000LL + i);
      auto r = sim.post("/scan", "{\"qr\":" + WaSimProcess::json_string(created.value().session.qr->text) + ",\"phone\":\"" + phone + "\"}");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.second, 200, r.first);
    }
    CPPUNIT_ASSERT(eventually([&] { return manager->counts().connected == static_cast<uint64_t>(n); }, std::chrono::seconds(120)));
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    long threads_after = proc_status_kb("Threads");
    long rss_after_kb = proc_status_kb("VmRSS");
    std::cerr << "\n[scale] agents=" << n << " connected=" << manager->counts().connected << " pair_all_s=" << seconds
              << " threads_before=" << threads_before << " threads_after=" << threads_after
              << " rss_delta_kb=" << (rss_after_kb - rss_before_kb)
              << " rss_per_agent_kb=" << (rss_after_kb - rss_before_kb) / n << "\n";
    // No thread per agent: the loop's pool (plus a few helpers such as SQLite's) regardless of N.
    CPPUNIT_ASSERT(threads_after - threads_before <= 4);
    manager.reset();
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SessionScaleTest);
