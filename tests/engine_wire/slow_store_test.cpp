// SPDX-License-Identifier: GPL-3.0-or-later
// A slow credentials store (a database under load) must not stall the shared event loop: while one
// agent's load and save take seconds, another agent on the same one-thread loop keeps answering
// pings on time and stays connected.
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <future>
#include <iostream>
#include <thread>

#include "host/engine/client/client.hpp"
#include "memory_credentials_store.hpp"
#include "memory_prekey_store.hpp"
#include "recording_listener.hpp"
#include "wa_sim_process.hpp"

using namespace wabot::engine;
using namespace wabot::engine::client;
using wabot::engine::test::MemoryCredentialsStore;
using wabot::engine::test::MemoryPreKeyStore;
using wabot::engine::test::RecordingListener;
using wabot::engine::test::WaSimProcess;

namespace {

const char* kPhone = "15551234567";

// A store whose load and save take delay_ms each (the test double of a slow database).
class SlowCredentialsStore : public store::CredentialsStore {
 public:
  explicit SlowCredentialsStore(std::int64_t delay_ms) : delay_ms_(delay_ms) {}
  Result<std::optional<store::Credentials>> load(std::string_view agent_id) override {
    Busy busy(busy_);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));  // the slow database, not synchronisation
    return inner_.load(agent_id);
  }
  Status save(std::string_view agent_id, const store::Credentials& c) override {
    Busy busy(busy_);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    ++saves_;
    return inner_.save(agent_id, c);
  }
  Status clear(std::string_view agent_id) override { return inner_.clear(agent_id); }
  bool busy() const { return busy_.load() > 0; }
  int saves() const { return saves_.load(); }

 private:
  struct Busy {
    explicit Busy(std::atomic<int>& b) : b_(b) { ++b_; }
    ~Busy() { --b_; }
    std::atomic<int>& b_;
  };
  std::int64_t delay_ms_;
  MemoryCredentialsStore inner_;
  std::atomic<int> busy_{0};
  std::atomic<int> saves_{0};
};

}  // namespace

class SlowStoreTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SlowStoreTest);
  CPPUNIT_TEST(a_slow_store_does_not_stall_other_agents);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    if (!WaSimProcess::available()) return;
    sim_ = std::make_unique<WaSimProcess>();
    loop_ = std::make_unique<transport::EventLoop>(1);  // one loop thread: a blocking call there stalls everyone
  }

  void tearDown() override {
    for (auto& c : clients_) c->stop();
    for (auto& [c, l] : listeners_)
      l->wait_for([&](const auto&) {
        auto s = c->state();
        return s == ClientState::disconnected || s == ClientState::logged_out || s == ClientState::auth_failed;
      }, std::chrono::seconds(10));
    listeners_.clear();
    clients_.clear();
    loop_.reset();
    sim_.reset();
  }

  void a_slow_store_does_not_stall_other_agents() {
    if (!WaSimProcess::available()) {
      std::cerr << "SKIP: tests/wa_sim/node_modules missing (run npm ci in tests/wa_sim)\n";
      return;
    }
    // The fast agent: paired, connected, with a short keepalive so a stalled loop would drop it.
    auto fast_store = std::make_shared<MemoryCredentialsStore>();
    auto fast_listener = std::make_shared<RecordingListener>();
    ClientConfig fast_cfg = config("fast");
    fast_cfg.keepalive_min_interval_ms = 200;
    fast_cfg.keepalive_max_interval_ms = 300;
    fast_cfg.keepalive_timeout_ms = 1'000;
    auto fast = start(fast_cfg, fast_store, fast_listener);
    CPPUNIT_ASSERT_MESSAGE(fast_listener->summary(), fast_listener->wait_count("qr", 1));
    auto r = sim_->post("/scan", "{\"qr\":" + WaSimProcess::json_string(fast_listener->last_qr()) + ",\"phone\":\"" + kPhone + "\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.second, 200, r.first);
    CPPUNIT_ASSERT_MESSAGE(fast_listener->summary(), fast_listener->wait_count("connected", 1, std::chrono::seconds(30)));
    const std::size_t drops_before = fast_listener->count("disconnected");  // the 515 restart of pairing

    // The slow agent: a new one, so it loads (1.5 s) and saves fresh credentials (1.5 s) first.
    auto slow_store = std::make_shared<SlowCredentialsStore>(1'500);
    auto slow_listener = std::make_shared<RecordingListener>();
    start(config("slow"), slow_store, slow_listener);

    // Meanwhile the fast agent pings the server over and over; each answer must come back quickly.
    std::int64_t worst_ms = 0;
    int pings_while_busy = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(3'500);
    while (std::chrono::steady_clock::now() < until) {
      const bool busy_before = slow_store->busy();
      auto done = std::make_shared<std::promise<bool>>();
      auto answered = done->get_future();
      const auto sent_at = std::chrono::steady_clock::now();
      fast->send_iq(Node("iq", {{"to", server_jid()}, {"type", "get"}, {"xmlns", "w:p"}}),
                    [done](Result<Node> reply) { done->set_value(reply.ok()); }, 5'000);
      CPPUNIT_ASSERT_MESSAGE("a ping got no callback", answered.wait_for(std::chrono::seconds(6)) == std::future_status::ready);
      CPPUNIT_ASSERT_MESSAGE("a ping failed", answered.get());
      const auto rtt_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - sent_at).count();
      worst_ms = std::max<std::int64_t>(worst_ms, rtt_ms);
      if (busy_before && slow_store->busy()) ++pings_while_busy;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // pacing the pings, not synchronisation
    }
    std::cerr << "slow store: worst ping " << worst_ms << " ms, " << pings_while_busy << " pings while the store was busy\n";
    CPPUNIT_ASSERT_MESSAGE("the slow store was never busy during the pings", pings_while_busy >= 5);
    // 1.5 s per store call: a loop thread blocked by it would show here (with slack for a loaded machine).
    CPPUNIT_ASSERT_MESSAGE("worst ping " + std::to_string(worst_ms) + " ms", worst_ms < 1'000);
    CPPUNIT_ASSERT_EQUAL(ClientState::connected, fast->state());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(fast_listener->summary(), drops_before, fast_listener->count("disconnected"));
    // And the slow agent got there in the end: credentials saved, then a QR.
    CPPUNIT_ASSERT_MESSAGE(slow_listener->summary(), slow_listener->wait_count("qr", 1, std::chrono::seconds(20)));
    CPPUNIT_ASSERT_EQUAL(1, slow_store->saves());
  }

 private:
  ClientConfig config(const std::string& id) {
    ClientConfig cfg;
    cfg.agent_id = id;
    cfg.server_url = sim_->ws_url();
    cfg.server_root_key = sim_->root_key();
    cfg.identity.push_name = "Test Bot";
    return cfg;
  }

  std::shared_ptr<Client> start(const ClientConfig& cfg, std::shared_ptr<store::CredentialsStore> store,
                                std::shared_ptr<RecordingListener> listener) {
    auto c = Client::create(*loop_, cfg, std::move(store), std::make_shared<MemoryPreKeyStore>(), listener);
    clients_.push_back(c);
    listeners_.emplace_back(c, listener);
    c->start();
    return c;
  }

  std::unique_ptr<WaSimProcess> sim_;
  std::unique_ptr<transport::EventLoop> loop_;
  std::vector<std::shared_ptr<Client>> clients_;
  std::vector<std::pair<std::shared_ptr<Client>, std::shared_ptr<RecordingListener>>> listeners_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SlowStoreTest);
