// SPDX-License-Identifier: GPL-3.0-or-later
// The session endpoints end to end: rest_api.so in the host's real HTTP server and plugin manager,
// over the real SessionManager, against the WhatsApp simulator, on SQLite and PostgreSQL. POST
// /sessions returns a QR, the simulated phone scans it, GET /sessions/{id} reaches connected; QR
// conflicts, listing and DELETE with logout; texts quoted and authorised. Every answer is checked
// against the OpenAPI document. Media to a Baileys peer and the send limiter are proven on the real
// executable in tests/system.
#include "eventually.hpp"
#include "http_request.hpp"
#include "simulator_settings.hpp"
#include "host/app/host_store.hpp"
#include "host/http/http_server.hpp"
#include "host/http/router.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/router_registry.hpp"
#include "host/sessions/session_manager.hpp"
#include "host/store/message_log_repository.hpp"
#include "openapi_checker.hpp"
#include "test_database.hpp"
#include "wa_sim_process.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <sstream>
#include <thread>

using namespace wabot;
using Poco::JSON::Object;
using wabot::engine::test::WaSimProcess;
using wabot::store::test::Backend;
using wabot::store::test::TestDatabase;

namespace {
using Reply = wabot::test::HttpReply;

Reply request(uint16_t port, const std::string& method, const std::string& path, const std::string& body = "",
              const std::string& bearer = "") {
  wabot::test::HttpCall call;
  call.bearer = bearer;
  return wabot::test::http_request(port, method, path, body, call);
}

Object::Ptr data_of(const Reply& r) { return r.data(); }

using wabot::test::eventually;
}  // namespace

class SimE2eTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SimE2eTest);
  CPPUNIT_TEST(createScanConnectQrConflictListDelete);
  CPPUNIT_TEST(textsThroughTheApiArriveQuotedAndAuthorised);
  CPPUNIT_TEST(sendLatency);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

 protected:
  virtual Backend backend() const = 0;

  std::unique_ptr<TestDatabase> t_;
  std::unique_ptr<WaSimProcess> sim_;
  std::unique_ptr<sessions::SessionManager> manager_;
  std::shared_ptr<http::Router> router_;
  std::unique_ptr<plugins::RouterRegistry> routes_;
  std::unique_ptr<app::HostStore> store_;
  std::unique_ptr<plugins::PluginManager> plugins_;
  std::shared_ptr<http::HttpServer> server_;
  std::unique_ptr<rest_api_test::OpenApiChecker> checker_;
  uint16_t port_ = 0;

  // WABOT_BENCH_SENDS=N (bench/rest_api.sh): sendLatency times N sends and the limiter is off.
  static int bench_sends() {
    const char* v = std::getenv("WABOT_BENCH_SENDS");
    return v ? std::atoi(v) : 0;
  }

  void expect_schema(const std::string& pattern, const std::string& method, const Reply& r) {
    std::string problem = checker_->check(pattern, method, r.status, r.body);
    CPPUNIT_ASSERT_MESSAGE(pattern + " " + std::to_string(r.status) + ": " + problem + "\n" + r.body.substr(0, 600), problem.empty());
  }

 public:
  void setUp() override {
    t_ = TestDatabase::create(backend());
    if (!WaSimProcess::available()) return;
    sim_ = std::make_unique<WaSimProcess>();
    std::shared_ptr<store::Database> db(&t_->db(), [](store::Database*) {});
    sessions::SessionManagerOptions o;
    wabot::test::SimulatorSettings::of(*sim_).apply(o.engine);
    o.ai_backend_url = "https://ai.example";
    o.qr_wait_on_create_ms = 20'000;
    o.tune_client = [](engine::client::ClientConfig& c) { c.reconnect_initial_delay_ms = 50; };
    o.rate_limit.enabled = bench_sends() == 0;  // bench/rest_api.sh measures sends without the limiter
    std::string error;
    manager_ = sessions::SessionManager::create(db, o, error);
    CPPUNIT_ASSERT_MESSAGE(error, manager_ != nullptr);

    router_ = std::make_shared<http::Router>();
    http::ServerOptions so;
    so.host = "127.0.0.1";
    so.port = 0;
    server_ = std::make_shared<http::HttpServer>(so, router_);
    CPPUNIT_ASSERT_EQUAL(std::string(""), server_->start());
    port_ = server_->port();

    routes_ = std::make_unique<plugins::RouterRegistry>(*router_);
    store_ = std::make_unique<app::HostStore>(db);
    plugins::HostBackends backends;
    backends.routes = routes_.get();
    backends.sessions = manager_.get();
    backends.messaging = manager_.get();
    backends.store = store_.get();
    backends.shared_config = {{"media.max_bytes", "10485760"}, {"sessions.qr_wait_on_create_ms", "20000"}};
    plugins::PluginsConfig pc;
    pc.directory = std::string(std::getenv("WABOT_BINARY_DIR")) + "/plugins";
    YAML::Node cfg;
    cfg["qr_wait"] = "20s";
    pc.plugins.push_back(plugins::PluginSpec{"rest_api", "", true, cfg});
    plugins_ = std::make_unique<plugins::PluginManager>(pc, std::move(backends));
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, plugins_->load_all());
    plugins_->start_all();
    Reply doc = request(port_, "GET", "/openapi.json");
    CPPUNIT_ASSERT_EQUAL(200, doc.status);
    checker_ = std::make_unique<rest_api_test::OpenApiChecker>(doc.body);
  }

  void tearDown() override {
    if (plugins_) plugins_->stop_all();
    if (server_) server_->stop();
    if (manager_) manager_->shutdown();
    plugins_.reset();
    server_.reset();
    manager_.reset();
    sim_.reset();
    t_.reset();
  }

  // POST /sessions → the simulator scans the QR of the answer → connected.
  void pair_over_api(const std::string& agent, const std::string& phone, const std::string& key) {
    Reply created = request(port_, "POST", "/sessions",
                            R"({"userId":"user-)" + agent + R"(","agentId":")" + agent + R"(","agentName":"A","apikey":")" + key + "\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
    Reply qr = request(port_, "POST", "/sessions/" + agent + "/qr?format=text");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(qr.body, 200, qr.status);
    auto scanned = sim_->post("/scan", "{\"qr\":" + WaSimProcess::json_string(data_of(qr)->getValue<std::string>("text")) +
                                           ",\"phone\":\"" + phone + "\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(scanned.second, 200, scanned.first);
    CPPUNIT_ASSERT(eventually([&] {
      Reply r = request(port_, "GET", "/sessions/" + agent);
      return r.status == 200 && data_of(r)->getObject("liveState")->getValue<bool>("isReady");
    }));
  }

  void textsThroughTheApiArriveQuotedAndAuthorised() {
    if (!sim_) {
      std::cerr << " [skipped: run `npm ci` in tests/wa_sim]";
      return;
    }
    pair_over_api("alice", "15557654321", "key-alice");
    pair_over_api("bob", "15557654322", "key-bob");
    const std::string text = "halo bob \xF0\x9F\x91\x8B \"quoted\" \\ line\nbreak";  // emoji, quotes, newline
    Poco::JSON::Object body;
    body.set("to", std::string("+1 555 765-4322"));
    body.set("message", text);
    body.set("mentions", Poco::JSON::Array::Ptr(new Poco::JSON::Array()));
    std::ostringstream json;
    body.stringify(json);
    CPPUNIT_ASSERT_EQUAL(401, request(port_, "POST", "/agents/alice/messages", json.str(), "key-bob").status);
    CPPUNIT_ASSERT_EQUAL(401, request(port_, "POST", "/agents/alice/messages", json.str()).status);
    CPPUNIT_ASSERT_EQUAL(404, request(port_, "POST", "/agents/nobody/messages", json.str(), "key-alice").status);
    Reply sent = request(port_, "POST", "/agents/alice/messages", json.str(), "key-alice");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(sent.body, 200, sent.status);
    expect_schema("/agents/{agentId}/messages", "post", sent);
    CPPUNIT_ASSERT(data_of(sent)->getValue<bool>("delivered"));
    const std::string id = data_of(sent)->getValue<std::string>("messageId");
    store::MessageLogRepository log_repo(t_->db());
    CPPUNIT_ASSERT(eventually([&] {
      auto in = log_repo.find("bob", id);
      return in.ok() && in->has_value();
    }));
    CPPUNIT_ASSERT(log_repo.find("bob", id).value()->text.value_or("") == text);  // byte-identical at the peer

    // Bob answers quoting it in whatsapp-web.js form, mentioning alice: quoted with its content.
    const std::string reply = R"({"to":"15557654321@c.us","message":"hi @15557654321","quotedMessageId":"false_15557654321@c.us_)" + id +
                              R"(","mentions":["15557654321@c.us"]})";
    Reply answered = request(port_, "POST", "/agents/bob/messages", reply, "key-bob");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(answered.body, 200, answered.status);
    const std::string reply_id = data_of(answered)->getValue<std::string>("messageId");
    CPPUNIT_ASSERT(eventually([&] {
      auto r = log_repo.find("alice", reply_id);
      return r.ok() && r->has_value() && (*r)->quoted_id.value_or("") == id;
    }));
    CPPUNIT_ASSERT_EQUAL(std::string("hi @15557654321"), log_repo.find("alice", reply_id).value()->text.value_or(""));

    // Stats count what went through.
    Reply stats = request(port_, "GET", "/sessions/alice");
    Object::Ptr counters = data_of(stats)->getObject("stats");
    CPPUNIT_ASSERT_EQUAL(1, counters->getValue<int>("outgoingMessages"));
    CPPUNIT_ASSERT_EQUAL(1, counters->getValue<int>("incomingMessages"));
    Reply bad = request(port_, "POST", "/agents/alice/messages", R"({"to":"not a phone","message":"x"})", "key-alice");
    CPPUNIT_ASSERT_EQUAL(400, bad.status);

    // A rotated key in api_keys (SQLite creates that table; PostgreSQL deployments own it elsewhere):
    // the first call with it is 401 and starts the re-read; a later call goes through.
    if (backend() == Backend::sqlite) {
      t_->exec("INSERT INTO api_keys (user_id, access_token, is_active, created_at) VALUES ('user-alice', 'rotated-key', 1, 4102444800000)");
      const std::string hello = R"({"to":"15557654322","message":"after rotation"})";
      CPPUNIT_ASSERT_EQUAL(401, request(port_, "POST", "/agents/alice/messages", hello, "rotated-key").status);
      CPPUNIT_ASSERT(eventually([&] { return request(port_, "POST", "/agents/alice/messages", hello, "rotated-key").status == 200; }));
      CPPUNIT_ASSERT_EQUAL(401, request(port_, "POST", "/agents/alice/messages", hello, "key-alice").status);
    }
  }

  // Not an assertion on speed: with WABOT_BENCH_SENDS set, N sequential sends alice → bob over HTTP,
  // each answered after the server's ack; prints p50/p99. Without it, nothing runs.
  void sendLatency() {
    const int n = bench_sends();
    if (n <= 0 || !sim_) return;
    pair_over_api("alice", "15557654321", "key-alice");
    pair_over_api("bob", "15557654322", "key-bob");
    std::vector<double> ms;
    for (int i = 0; i < n; ++i) {
      auto start = std::chrono::steady_clock::now();
      Reply r = request(port_, "POST", "/agents/alice/messages", R"({"to":"15557654322","message":"bench )" + std::to_string(i) + "\"}",
                        "key-alice");
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    }
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())))]; };
    std::cerr << "\nPOST /agents/{id}/messages (" << (backend() == Backend::sqlite ? "SQLite" : "PostgreSQL") << ", " << n
              << " sequential sends, limiter off): p50 " << pct(0.5) << " ms, p99 " << pct(0.99) << " ms\n";
  }

  void createScanConnectQrConflictListDelete() {
    if (!sim_) {
      std::cerr << " [skipped: run `npm ci` in tests/wa_sim]";
      return;
    }
    Reply created = request(port_, "POST", "/sessions", R"({"userId":"user-1","agentId":"e2e-bot","agentName":"E2E","apikey":"k-1"})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
    expect_schema("/sessions", "post", created);
    Object::Ptr session = data_of(created);
    CPPUNIT_ASSERT_EQUAL(std::string("https://ai.example/agents/e2e-bot/execute"), session->getValue<std::string>("endpointUrlRun"));
    Object::Ptr live = session->getObject("liveState");
    CPPUNIT_ASSERT_MESSAGE(created.body, !live->isNull("qr"));
    std::string png = live->getObject("qr")->getValue<std::string>("base64");
    CPPUNIT_ASSERT(png.rfind("iVBORw0KGgo", 0) == 0);  // a PNG signature, base64
    CPPUNIT_ASSERT(created.body.find("k-1") == std::string::npos);

    Reply again = request(port_, "POST", "/sessions", R"({"userId":"user-1","agentId":"e2e-bot","agentName":"E2E renamed"})");
    CPPUNIT_ASSERT_EQUAL(200, again.status);
    Reply taken = request(port_, "POST", "/sessions", R"({"userId":"user-2","agentId":"e2e-bot","agentName":"x"})");
    CPPUNIT_ASSERT_EQUAL(409, taken.status);
    CPPUNIT_ASSERT(taken.body.find("AGENT_ID_TAKEN") != std::string::npos);

    Reply qr = request(port_, "POST", "/sessions/e2e-bot/qr?format=text");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(qr.body, 200, qr.status);
    expect_schema("/sessions/{agentId}/qr", "post", qr);
    std::string text = data_of(qr)->getValue<std::string>("text");
    CPPUNIT_ASSERT(!text.empty());

    auto scanned = sim_->post("/scan", "{\"qr\":" + WaSimProcess::json_string(text) + ",\"phone\":\"15557654321\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(scanned.second, 200, scanned.first);
    Reply connected;
    CPPUNIT_ASSERT_MESSAGE(sim_->log().substr(0, 2000), eventually([&] {
                             connected = request(port_, "GET", "/sessions/e2e-bot");
                             if (connected.status != 200) return false;
                             Object::Ptr d = data_of(connected);
                             return d->getValue<std::string>("status") == "connected" &&
                                    d->getObject("liveState")->getValue<bool>("isReady");
                           }));
    expect_schema("/sessions/{agentId}", "get", connected);
    Object::Ptr d = data_of(connected);
    CPPUNIT_ASSERT_EQUAL(std::string("connected"), d->getObject("liveState")->getValue<std::string>("sessionState"));
    CPPUNIT_ASSERT(d->getObject("liveState")->getObject("me")->getValue<std::string>("jid").rfind("15557654321", 0) == 0);
    CPPUNIT_ASSERT(!d->isNull("lastConnectedAt"));
    CPPUNIT_ASSERT(d->has("stats"));

    Reply conflict = request(port_, "POST", "/sessions/e2e-bot/qr");
    CPPUNIT_ASSERT_EQUAL(409, conflict.status);
    CPPUNIT_ASSERT(conflict.body.find("ALREADY_CONNECTED") != std::string::npos);
    expect_schema("/sessions/{agentId}/qr", "post", conflict);

    Reply list = request(port_, "GET", "/sessions?status=connected&userId=user-1");
    CPPUNIT_ASSERT_EQUAL(200, list.status);
    expect_schema("/sessions", "get", list);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, data_of(list)->getArray("sessions")->size());

    Reply deleted = request(port_, "DELETE", "/sessions/e2e-bot");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(deleted.body, 200, deleted.status);
    CPPUNIT_ASSERT(data_of(deleted)->getValue<bool>("deleted"));
    expect_schema("/sessions/{agentId}", "delete", deleted);
    Reply gone = request(port_, "GET", "/sessions/e2e-bot");
    CPPUNIT_ASSERT_EQUAL(404, gone.status);
    CPPUNIT_ASSERT(gone.body.find("SESSION_NOT_FOUND") != std::string::npos);
    Reply again_deleted = request(port_, "DELETE", "/sessions/e2e-bot");
    CPPUNIT_ASSERT(!data_of(again_deleted)->getValue<bool>("deleted"));
  }
};

class SqliteSimE2eTest : public SimE2eTest {
  CPPUNIT_TEST_SUB_SUITE(SqliteSimE2eTest, SimE2eTest);
  CPPUNIT_TEST_SUITE_END();

 protected:
  Backend backend() const override { return Backend::sqlite; }
};

class PostgresSimE2eTest : public SimE2eTest {
  CPPUNIT_TEST_SUB_SUITE(PostgresSimE2eTest, SimE2eTest);
  CPPUNIT_TEST_SUITE_END();

 protected:
  Backend backend() const override { return Backend::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteSimE2eTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresSimE2eTest);
