// SPDX-License-Identifier: GPL-3.0-or-later
// Many linked agents on one shared loop: thread count stays fixed and memory per idle agent is measured.
// WABOT_SCALE_AGENTS=N sets the number of agents (default 50; the target is 1,000 in <= 32 threads);
// WABOT_SCALE_TLS=1 connects over wss:// through a local TLS proxy (as production does).
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <iostream>

#include "host/engine/client/client.hpp"
#include "memory_credentials_store.hpp"
#include "memory_prekey_store.hpp"
#include "recording_listener.hpp"
#include "tls_proxy_process.hpp"
#include "wa_sim_process.hpp"

using namespace wabot::engine;
using namespace wabot::engine::client;

namespace {

// A field of /proc/self/status ("VmRSS", "Threads"), in its own unit (kB for memory).
long proc_status(const std::string& key) {
  std::ifstream f("/proc/self/status");
  std::string k;
  while (f >> k) {
    if (k == key + ":") {
      long v = 0;
      f >> v;
      return v;
    }
    std::string rest;
    std::getline(f, rest);
  }
  return -1;
}

}  // namespace

class ClientScaleTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ClientScaleTest);
  CPPUNIT_TEST(holds_many_linked_agents_with_a_fixed_thread_pool);
  CPPUNIT_TEST_SUITE_END();

 public:
  void holds_many_linked_agents_with_a_fixed_thread_pool() {
    if (!test::WaSimProcess::available()) {
      std::cerr << "\nSKIPPED ClientScaleTest: tests/wa_sim/node_modules is missing (run `npm ci` in tests/wa_sim)\n";
      return;
    }
    const char* env = std::getenv("WABOT_SCALE_AGENTS");
    const int n = env ? std::max(1, std::atoi(env)) : 50;
    test::WaSimProcess sim;
    const bool tls = std::getenv("WABOT_SCALE_TLS") && std::string(std::getenv("WABOT_SCALE_TLS")) == "1";
    std::unique_ptr<test::TlsProxyProcess> proxy;
    if (tls) proxy = std::make_unique<test::TlsProxyProcess>(test::WaSimProcess::source_dir(), test::url_port(sim.ws_url()));
    auto store = std::make_shared<test::MemoryCredentialsStore>();
    auto prekeys = std::make_shared<test::MemoryPreKeyStore>();
    // Declared before the clients: the loop must outlive them, also when an assertion unwinds.
    transport::EventLoop loop(2);
    std::string ca_error;
    if (proxy) CPPUNIT_ASSERT_MESSAGE(ca_error, loop.add_trusted_ca_file(proxy->cert_file(), ca_error));
    std::vector<std::shared_ptr<test::RecordingListener>> listeners;
    std::vector<std::shared_ptr<Client>> clients;
    {
      // The process-wide store executor (a fixed pool for credential IO) is not per agent: start it first.
      (void)default_store_executor();
      const long threads_before = proc_status("Threads");
      const long rss_before_kb = proc_status("VmRSS");
      // One agent at a time through the QR: the simulator plays every phone and answers scans in turn.
      for (int i = 0; i < n; ++i) {
        ClientConfig cfg;
        cfg.agent_id = "agent-" + std::to_string(i);
        cfg.server_url = proxy ? "wss://localhost:" + proxy->port() + "/ws/chat" : sim.ws_url();
        cfg.server_root_key = sim.root_key();
        auto l = std::make_shared<test::RecordingListener>();
        auto c = Client::create(loop, cfg, store, prekeys, l);
        c->start();
        listeners.push_back(l);
        clients.push_back(c);
        CPPUNIT_ASSERT_MESSAGE(l->summary(), l->wait_count("qr", 1, std::chrono::seconds(60)));
        std::string phone = std::to_string(15550000000LL + i);
        auto r = sim.post("/scan", "{\"qr\":" + test::WaSimProcess::json_string(l->last_qr()) + ",\"phone\":\"" + phone + "\"}");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.second, 200, r.first);
      }
      for (int i = 0; i < n; ++i)
        CPPUNIT_ASSERT_MESSAGE(listeners[i]->summary(), listeners[i]->wait_count("connected", 1, std::chrono::seconds(120)));
      // Let the post-login iqs (passive, prekey count/upload) settle: every agent uploaded its prekeys.
      for (int i = 0; i < n; ++i) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (prekeys->uploaded_up_to("agent-" + std::to_string(i)) == 0 && std::chrono::steady_clock::now() < deadline)
          listeners[i]->wait_for([](const auto&) { return false; }, std::chrono::milliseconds(20));
      }
      const long threads_after = proc_status("Threads");
      const long rss_after_kb = proc_status("VmRSS");
      std::cerr << "\nSCALE transport=" << (tls ? "wss" : "ws") << " agents=" << n << " threads_before=" << threads_before << " threads_after=" << threads_after
                << " rss_before_kb=" << rss_before_kb << " rss_after_kb=" << rss_after_kb
                << " rss_per_agent_kb=" << (rss_after_kb - rss_before_kb) / n << "\n";
      CPPUNIT_ASSERT(threads_after <= 32);
      CPPUNIT_ASSERT(threads_after - threads_before <= 2);  // at most the resolver's helper thread, never one per agent
      for (auto& c : clients) c->stop();
      for (auto& l : listeners) CPPUNIT_ASSERT(l->wait_state(ClientState::disconnected));
      clients.clear();
      listeners.clear();

      // A host restart: new clients over the same stored credentials log in without a QR.
      // The time until every agent is connected again is the number operators care about.
      const auto resume_started = std::chrono::steady_clock::now();
      for (int i = 0; i < n; ++i) {
        ClientConfig cfg;
        cfg.agent_id = "agent-" + std::to_string(i);
        cfg.server_url = proxy ? "wss://localhost:" + proxy->port() + "/ws/chat" : sim.ws_url();
        cfg.server_root_key = sim.root_key();
        auto l = std::make_shared<test::RecordingListener>();
        auto c = Client::create(loop, cfg, store, prekeys, l);
        c->start();
        listeners.push_back(l);
        clients.push_back(c);
      }
      for (int i = 0; i < n; ++i)
        CPPUNIT_ASSERT_MESSAGE(listeners[i]->summary(), listeners[i]->wait_count("connected", 1, std::chrono::seconds(120)));
      const auto resume_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - resume_started).count();
      for (int i = 0; i < n; ++i) CPPUNIT_ASSERT_EQUAL(std::size_t{0}, listeners[i]->count("qr"));
      std::cerr << "SCALE resume agents=" << n << " all_connected_ms=" << resume_ms
                << " threads=" << proc_status("Threads") << "\n";
      for (auto& c : clients) c->stop();
      for (auto& l : listeners) CPPUNIT_ASSERT(l->wait_state(ClientState::disconnected));
      clients.clear();
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClientScaleTest);
