// SPDX-License-Identifier: GPL-3.0-or-later
// The client against the WhatsApp simulator (tests/wa_sim): QR pairing and login, resume without a QR,
// reconnect after a dropped socket, 401 and 440 stream errors, failure 401, wrong root key, logout.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <iostream>

#include "host/engine/client/client.hpp"
#include "host/engine/pairing/device_credentials.hpp"
#include "memory_credentials_store.hpp"
#include "memory_prekey_store.hpp"
#include "recording_listener.hpp"
#include "tls_proxy_process.hpp"
#include "wa_sim_process.hpp"

using namespace wabot::engine;
using namespace wabot::engine::client;
using wabot::engine::test::MemoryCredentialsStore;
using wabot::engine::test::MemoryPreKeyStore;
using wabot::engine::test::RecordingListener;
using wabot::engine::test::WaSimProcess;

namespace {

const char* kPhone = "15551234567";

struct Agent {
  std::shared_ptr<RecordingListener> listener = std::make_shared<RecordingListener>();
  std::shared_ptr<Client> client;
};

}  // namespace

class ClientSimTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ClientSimTest);
  CPPUNIT_TEST(pairs_with_a_qr_and_logs_in);
  CPPUNIT_TEST(resumes_with_stored_credentials_without_a_qr);
  CPPUNIT_TEST(reconnects_after_the_server_closes_the_socket);
  CPPUNIT_TEST(stream_error_401_logs_out_and_clears_credentials);
  CPPUNIT_TEST(stream_error_440_stops_without_reconnecting);
  CPPUNIT_TEST(failure_401_ends_in_auth_failed);
  CPPUNIT_TEST(refuses_a_server_signed_by_another_root);
  CPPUNIT_TEST(logout_unlinks_the_device);
  CPPUNIT_TEST(rotates_qr_refs_then_gives_up);
  CPPUNIT_TEST(keepalive_timeout_triggers_a_reconnect);
  CPPUNIT_TEST(wss_to_a_plain_server_fails_in_the_tls_handshake);
  CPPUNIT_TEST(garbage_from_the_server_ends_in_a_reconnect);
  CPPUNIT_TEST(pairs_over_wss_and_verifies_the_host_name);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    if (!WaSimProcess::available()) return;
    sim_ = std::make_unique<WaSimProcess>();
    loop_ = std::make_unique<transport::EventLoop>(2);
    store_ = std::make_shared<MemoryCredentialsStore>();
    prekeys_ = std::make_shared<MemoryPreKeyStore>();
  }

  void tearDown() override {
    for (auto& c : clients_) c->stop();
    for (auto& c : clients_)
      wait_until([&] {
        auto s = c->state();
        return s == ClientState::disconnected || s == ClientState::logged_out || s == ClientState::auth_failed;
      });
    clients_.clear();  // the clients go before the loop that owns their sockets
    loop_.reset();     // drains the closing sockets, then joins the loop threads
    sim_.reset();
  }

  void pairs_with_a_qr_and_logs_in() {
    if (skip()) return;
    Agent a = pair("agent-1");
    auto creds = store_->get("agent-1");
    CPPUNIT_ASSERT(creds && creds->is_linked());
    CPPUNIT_ASSERT_EQUAL(std::string(kPhone), creds->device_jid->user);
    CPPUNIT_ASSERT(creds->device_jid->device > 0);
    CPPUNIT_ASSERT(creds->lid && creds->lid->is_lid());
    CPPUNIT_ASSERT(!creds->account.empty());
    // The QR came with a PNG; the 515 restart happened between pairing and the login.
    auto events = a.listener->events();
    bool had_png = false;
    for (auto& e : events) had_png |= e.kind == "qr" && e.png_bytes > 100;
    CPPUNIT_ASSERT(had_png);
    bool restarted = false;
    for (auto& e : events) restarted |= e.kind == "disconnected" && e.reason == DisconnectReason::restart_required;
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), restarted);
    // Prekeys were uploaded after <success> (the new device starts with none on the server).
    CPPUNIT_ASSERT_MESSAGE(sim_->log().substr(0, 2000), wait_until([&] { return prekeys_->uploaded_up_to("agent-1") == 50; }));
    auto devices = sim_->get(std::string("/devices?phone=") + kPhone);
    CPPUNIT_ASSERT_EQUAL(200, devices.first);
    CPPUNIT_ASSERT(devices.second.find(creds->device_jid->to_string()) != std::string::npos);
  }

  void resumes_with_stored_credentials_without_a_qr() {
    if (skip()) return;
    Agent first = pair("agent-1");
    first.client->stop();
    CPPUNIT_ASSERT(first.listener->wait_state(ClientState::disconnected));
    Agent again = start_agent("agent-1", sim_->root_key());
    CPPUNIT_ASSERT_MESSAGE(again.listener->summary(), again.listener->wait_count("connected", 1));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), again.listener->count("qr"));
  }

  void reconnects_after_the_server_closes_the_socket() {
    if (skip()) return;
    Agent a = pair("agent-1");
    auto jid = store_->get("agent-1")->device_jid->to_string();
    auto r = sim_->post("/fault/close", "{\"jid\":" + WaSimProcess::json_string(jid) + "}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.second, 200, r.first);
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), a.listener->wait_state(ClientState::reconnecting));
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), a.listener->wait_count("connected", 2));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.listener->count("paired"));
  }

  void stream_error_401_logs_out_and_clears_credentials() {
    if (skip()) return;
    Agent a = pair("agent-1");
    auto jid = store_->get("agent-1")->device_jid->to_string();
    auto r = sim_->post("/fault/stream-error", "{\"jid\":" + WaSimProcess::json_string(jid) + ",\"code\":401}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.second, 200, r.first);
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), a.listener->wait_state(ClientState::logged_out));
    CPPUNIT_ASSERT(!store_->get("agent-1").has_value());
    CPPUNIT_ASSERT_EQUAL(ClientState::logged_out, a.client->state());
  }

  void stream_error_440_stops_without_reconnecting() {
    if (skip()) return;
    Agent a = pair("agent-1");
    auto jid = store_->get("agent-1")->device_jid->to_string();
    auto r = sim_->post("/fault/stream-error", "{\"jid\":" + WaSimProcess::json_string(jid) + ",\"code\":440}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.second, 200, r.first);
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), a.listener->wait_state(ClientState::disconnected));
    auto events = a.listener->events();
    CPPUNIT_ASSERT(events.back().kind == "state" && events.back().reason == DisconnectReason::conflict);
    // No reconnect follows: with a 50 ms backoff one would have started long before this deadline.
    CPPUNIT_ASSERT(!a.listener->wait_state(ClientState::reconnecting, std::chrono::milliseconds(1500)));
    CPPUNIT_ASSERT(store_->get("agent-1").has_value());  // a conflict keeps the credentials
  }

  void failure_401_ends_in_auth_failed() {
    if (skip()) return;
    // Credentials of a device the server does not know: the login is refused with <failure reason="401">.
    auto creds = pairing::generate_credentials();
    creds.device_jid = Jid::parse("15550000001:3@s.whatsapp.net").value();
    CPPUNIT_ASSERT(store_->save("ghost", creds).ok());
    Agent a = start_agent("ghost", sim_->root_key());
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), a.listener->wait_state(ClientState::auth_failed));
    CPPUNIT_ASSERT(!store_->get("ghost").has_value());
  }

  void refuses_a_server_signed_by_another_root() {
    if (skip()) return;
    Agent a = start_agent("agent-1", crypto::generate_key_pair().public_key);
    bool refused = a.listener->wait_for([](const auto& ev) {
      for (const auto& e : ev)
        if (e.kind == "disconnected" && e.reason == DisconnectReason::handshake_failed &&
            e.text.find("not signed by the configured root key") != std::string::npos)
          return true;
      return false;
    });
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), refused);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), a.listener->count("qr"));
  }

  void logout_unlinks_the_device() {
    if (skip()) return;
    Agent a = pair("agent-1");
    auto jid = store_->get("agent-1")->device_jid->to_string();
    a.client->logout();
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), a.listener->wait_state(ClientState::logged_out));
    CPPUNIT_ASSERT(!store_->get("agent-1").has_value());
    CPPUNIT_ASSERT(wait_until([&] {
      return sim_->get(std::string("/devices?phone=") + kPhone).second.find(jid) == std::string::npos;
    }));
  }

  void rotates_qr_refs_then_gives_up() {
    if (skip()) return;
    ClientConfig cfg = config("agent-1", sim_->root_key());
    cfg.qr_first_ref_lifetime_ms = 300;
    cfg.qr_next_ref_lifetime_ms = 100;
    Agent a = start_agent(cfg);
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), a.listener->wait_state(ClientState::disconnected));
    auto events = a.listener->events();
    std::vector<std::string> qrs;
    for (auto& e : events)
      if (e.kind == "qr") qrs.push_back(e.text);
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), qrs.size() >= 2);
    for (std::size_t i = 1; i < qrs.size(); ++i) CPPUNIT_ASSERT(qrs[i] != qrs[i - 1]);  // a new ref each time
    CPPUNIT_ASSERT(events.back().reason == DisconnectReason::qr_timeout);
    // Refs share the device keys: only the ref part (before the first comma) changes.
    CPPUNIT_ASSERT_EQUAL(qrs[0].substr(qrs[0].find(',')), qrs[1].substr(qrs[1].find(',')));
  }

  void keepalive_timeout_triggers_a_reconnect() {
    if (skip()) return;
    ClientConfig cfg = config("agent-1", sim_->root_key());
    cfg.keepalive_min_interval_ms = 100;
    cfg.keepalive_max_interval_ms = 200;
    cfg.keepalive_timeout_ms = 300;
    Agent a = pair(cfg);
    auto jid = store_->get("agent-1")->device_jid->to_string();
    auto r = sim_->post("/fault/stall", "{\"jid\":" + WaSimProcess::json_string(jid) + "}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.second, 200, r.first);
    bool timed_out = a.listener->wait_for([](const auto& ev) {
      for (const auto& e : ev)
        if (e.kind == "disconnected" && e.reason == DisconnectReason::keepalive_timeout) return true;
      return false;
    });
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), timed_out);
    // The new connection is not stalled: the agent logs in again.
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), a.listener->wait_count("connected", 2));
  }

  void wss_to_a_plain_server_fails_in_the_tls_handshake() {
    if (skip()) return;
    ClientConfig cfg = config("agent-1", sim_->root_key());
    cfg.server_url = "wss://" + sim_->ws_url().substr(5);
    Agent a = start_agent(cfg);
    bool failed = a.listener->wait_for([](const auto& ev) {
      for (const auto& e : ev)
        if (e.kind == "disconnected" && e.text.find("TLS handshake") != std::string::npos) return true;
      return false;
    });
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), failed);
  }

  void garbage_from_the_server_ends_in_a_reconnect() {
    if (skip()) return;
    Agent a = pair("agent-1");
    CPPUNIT_ASSERT(std::llabs(a.client->server_time_offset_s()) < 60);
    auto jid = store_->get("agent-1")->device_jid->to_string();
    auto r = sim_->post("/fault/garbage", "{\"jid\":" + WaSimProcess::json_string(jid) + ",\"bytes\":100}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.second, 200, r.first);
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), a.listener->wait_count("connected", 2));
    bool saw = false;
    for (auto& e : a.listener->events()) saw |= e.kind == "disconnected" && e.text.find("undecryptable") != std::string::npos;
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), saw);
  }

  // wss:// end to end: a TLS proxy with a throwaway certificate for "localhost" in front of the simulator.
  void pairs_over_wss_and_verifies_the_host_name() {
    if (skip()) return;
    test::TlsProxyProcess proxy(WaSimProcess::source_dir(), test::url_port(sim_->ws_url()));
    std::string error;
    CPPUNIT_ASSERT_MESSAGE(error, loop_->add_trusted_ca_file(proxy.cert_file(), error));
    CPPUNIT_ASSERT(!loop_->add_trusted_ca_file(proxy.missing_file(), error));

    ClientConfig good = config("agent-tls", sim_->root_key());
    good.server_url = "wss://localhost:" + proxy.port() + "/ws/chat";
    Agent a = pair(good);
    CPPUNIT_ASSERT(store_->get("agent-tls")->is_linked());

    // The same server under a name its certificate does not carry is refused.
    ClientConfig wrong = config("agent-tls-2", sim_->root_key());
    wrong.server_url = "wss://127.0.0.1:" + proxy.port() + "/ws/chat";
    Agent b = start_agent(wrong);
    bool refused = b.listener->wait_for([](const auto& ev) {
      for (const auto& e : ev)
        if (e.kind == "disconnected" && e.text.find("TLS handshake") != std::string::npos &&
            e.text.find("certificate verify failed") != std::string::npos)
          return true;
      return false;
    });
    CPPUNIT_ASSERT_MESSAGE(b.listener->summary(), refused);
    a.client->stop();
    b.client->stop();
    CPPUNIT_ASSERT(a.listener->wait_state(ClientState::disconnected));
    CPPUNIT_ASSERT(b.listener->wait_state(ClientState::disconnected));
  }

 private:
  bool skip() {
    if (sim_) return false;
    std::cerr << "\nSKIPPED " << "ClientSimTest: tests/wa_sim/node_modules is missing (run `npm ci` in tests/wa_sim)\n";
    return true;
  }

  ClientConfig config(const std::string& id, const crypto::Key32& root) {
    ClientConfig cfg;
    cfg.agent_id = id;
    cfg.server_url = sim_->ws_url();
    cfg.server_root_key = root;
    cfg.identity.push_name = "Test Bot";
    cfg.reconnect_initial_delay_ms = 50;
    cfg.reconnect_max_delay_ms = 400;
    return cfg;
  }

  Agent start_agent(const std::string& id, const crypto::Key32& root) { return start_agent(config(id, root)); }

  Agent start_agent(const ClientConfig& cfg) {
    Agent a;
    a.client = Client::create(*loop_, cfg, store_, prekeys_, a.listener);
    clients_.push_back(a.client);
    a.client->start();
    return a;
  }

  Agent pair(const std::string& id) { return pair(config(id, sim_->root_key())); }

  Agent pair(const ClientConfig& cfg) {
    Agent a = start_agent(cfg);
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary() + sim_->log().substr(0, 3000), a.listener->wait_count("qr", 1));
    auto r = sim_->post("/scan", "{\"qr\":" + WaSimProcess::json_string(a.listener->last_qr()) + ",\"phone\":\"" + kPhone + "\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.second + "\n" + a.listener->summary(), 200, r.first);
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary(), a.listener->wait_count("paired", 1));
    CPPUNIT_ASSERT_MESSAGE(a.listener->summary() + sim_->log().substr(0, 3000), a.listener->wait_count("connected", 1));
    CPPUNIT_ASSERT_EQUAL(ClientState::connected, a.client->state());
    return a;
  }

  bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    // Polls an external condition (the simulator's HTTP view) with a deadline.
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::unique_lock lock(poll_mu_);
      poll_cv_.wait_for(lock, std::chrono::milliseconds(50));
    }
    return pred();
  }

  std::unique_ptr<WaSimProcess> sim_;
  std::unique_ptr<transport::EventLoop> loop_;
  std::shared_ptr<MemoryCredentialsStore> store_;
  std::shared_ptr<MemoryPreKeyStore> prekeys_;
  std::vector<std::shared_ptr<Client>> clients_;
  std::mutex poll_mu_;
  std::condition_variable poll_cv_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClientSimTest);
