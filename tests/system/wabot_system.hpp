// SPDX-License-Identifier: GPL-3.0-or-later
// WabotSystem: one whole deployment for a test: the WhatsApp simulator, the test AI backend, a YAML
// config in a temp dir (SQLite file, simulator URL/root/CA, rest_api + ai_forwarder, admin token) and
// the real wabot process on it, driven only over HTTP; plus Baileys peers and agent linking by QR.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "../support/wa_peer_process.hpp"
#include "eventually.hpp"
#include "http_request.hpp"
#include "simulator_settings.hpp"
#include "temp_dir.hpp"
#include "test_ai_backend.hpp"
#include "wa_sim_process.hpp"
#include "wabot_process.hpp"

namespace wabot::test {

struct WabotSystemOptions {
  // The rate_limit: section (per agent); empty keeps the defaults (100/min, burst 100, queue 500).
  std::string rate_limit_yaml;
  std::string ai_reply = "ok from the AI";
  int http_threads = 0;  // 0: the default (128)
};

class WabotSystem {
 public:
  static constexpr const char* kAdminToken = "adm-7b1c-system-e2e";

  // False only with WABOT_SKIP_SIM_TESTS=1 (the caller then skips and says so); a missing
  // tests/wa_sim/node_modules otherwise throws, which fails the test.
  static bool simulator_usable() {
    if (engine::test::WaSimProcess::available()) return true;
    std::cerr << " [skipped: WABOT_SKIP_SIM_TESTS=1]";
    return false;
  }

  explicit WabotSystem(WabotSystemOptions options = {}) : options_(std::move(options)) {
    sim_ = std::make_unique<engine::test::WaSimProcess>();
    settings_ = SimulatorSettings::of(*sim_);
    ai_ = std::make_unique<testing::TestAiBackend>();
    ai_->set_default(testing::AiScenario::reply(options_.ai_reply));
    port_ = free_port();
    config_path_ = dir_.file("wabot.yaml");
    std::ofstream(config_path_) << config_yaml();
  }

  ~WabotSystem() { retire(); }  // wabot goes before the simulator and the AI backend

  engine::test::WaSimProcess& sim() { return *sim_; }
  const SimulatorSettings& settings() const { return settings_; }
  testing::TestAiBackend& ai() { return *ai_; }
  WabotProcess& wabot() { return *wabot_; }
  std::uint16_t port() const { return port_; }
  const TempDir& dir() const { return dir_; }
  std::string database_path() const { return dir_.file("wabot.db"); }

  // Starts (or restarts) wabot over the same config and database; asserts it serves /health.
  void start() {
    retire();
    wabot_ = std::make_unique<WabotProcess>(config_path_, dir_.path().string());
    const bool up = wabot_->wait_healthy(port_, std::chrono::seconds(60));
    CPPUNIT_ASSERT_MESSAGE("wabot did not serve /health; its log:\n" + tail(wabot_->log()), up);
  }

  // Kills the current run (if it still runs) and keeps its whole log.
  void retire() {
    if (!wabot_) return;
    wabot_->kill_hard();
    logs_ += wabot_->final_log();
    wabot_.reset();
  }

  // Every log line of every run so far (the current run's up to now).
  std::string all_logs() { return logs_ + (wabot_ ? wabot_->log() : ""); }

  HttpReply admin(const std::string& method, const std::string& path, const std::string& body = "") {
    HttpCall call;
    call.bearer = kAdminToken;
    return http_request(port_, method, path, body, call);
  }
  HttpReply agent_call(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& api_key) {
    HttpCall call;
    call.bearer = api_key;
    return http_request(port_, method, path, body, call);
  }

  // POST /sessions → the simulated phone scans the QR text → GET /sessions/{id} is ready.
  void link_agent(const std::string& agent, const std::string& phone, const std::string& api_key) {
    const std::string body = R"({"userId":"user-)" + agent + R"(","agentId":")" + agent + R"(","agentName":"Agent )" +
                             agent + R"(","apikey":")" + api_key + "\"}";
    HttpReply created = admin("POST", "/sessions", body);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
    CPPUNIT_ASSERT_MESSAGE("the api key leaked into the answer", created.body.find(api_key) == std::string::npos);
    HttpReply qr = admin("POST", "/sessions/" + agent + "/qr?format=text");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(qr.body, 200, qr.status);
    const std::string text = qr.data()->getValue<std::string>("text");
    auto scanned = sim_->post("/scan", "{\"qr\":" + engine::test::WaSimProcess::json_string(text) + ",\"phone\":\"" +
                                           phone + "\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(scanned.second, 200, scanned.first);
    CPPUNIT_ASSERT_MESSAGE("agent " + agent + " never became ready", wait_ready(agent, std::chrono::seconds(60)));
  }

  bool wait_ready(const std::string& agent, std::chrono::milliseconds timeout) {
    return eventually([&] {
      HttpCall call;
      call.bearer = kAdminToken;
      HttpReply r = try_http_request(port_, "GET", "/sessions/" + agent, "", call);
      return r.status == 200 && r.data()->getObject("liveState")->getValue<bool>("isReady");
    }, timeout, std::chrono::milliseconds(100));
  }

  // A real Baileys client paired as `phone`, its auth state in this test's temp dir.
  std::unique_ptr<WaPeerProcess> paired_peer(const std::string& name, const std::string& phone) {
    auto peer = std::make_unique<WaPeerProcess>(engine::test::WaSimProcess::sim_dir(), settings_.control_url,
                                                settings_.ws_url, dir_.file("peer-" + name));
    peer->call("pair", WaPeerProcess::args({{"phone", phone}}));
    return peer;
  }

  // GET a control endpoint of the simulator as JSON.
  Poco::JSON::Object::Ptr sim_json(const std::string& path) {
    auto r = sim_->get(path);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.second, 200, r.first);
    return Poco::JSON::Parser().parse(r.second).extract<Poco::JSON::Object::Ptr>();
  }

  static std::string tail(const std::string& text, std::size_t n = 6000) {
    return text.size() <= n ? text : "…" + text.substr(text.size() - n);
  }

 private:
  static std::uint16_t free_port() {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    return probe.address().port();
  }

  std::string config_yaml() const {
    std::ostringstream y;
    y << "# written by tests/system for one test run\n"
      << "http: {host: 127.0.0.1, port: " << port_ << ", admin_token: '" << kAdminToken << "'"
      << (options_.http_threads > 0 ? ", threads: " + std::to_string(options_.http_threads) : "") << "}\n"
      << "log: {level: info}\n"
      << "database: {url: 'sqlite://" << database_path() << "'}\n"
      << "media: {temp_dir: '" << dir_.file("media-tmp") << "', allow_private_urls: true}\n"
      << "ai: {backend_url: '" << ai_->base_url() << "', timeout: 20s}\n"
      << "sessions: {qr_wait_on_create: 20s}\n"
      << (options_.rate_limit_yaml.empty() ? "" : "rate_limit: " + options_.rate_limit_yaml + "\n")
      << settings_.whatsapp_yaml()
      << "plugins: {load: [rest_api, ai_forwarder]}\n"
      << "rest_api: {qr_wait: 20s}\n"
      << "ai_forwarder: {max_age: 10m}\n";
    return y.str();
  }

  WabotSystemOptions options_;
  TempDir dir_;
  std::unique_ptr<engine::test::WaSimProcess> sim_;
  SimulatorSettings settings_;
  std::unique_ptr<testing::TestAiBackend> ai_;
  std::uint16_t port_ = 0;
  std::string config_path_;
  std::unique_ptr<WabotProcess> wabot_;
  std::string logs_;
};

}  // namespace wabot::test
