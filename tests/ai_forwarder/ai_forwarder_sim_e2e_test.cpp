// SPDX-License-Identifier: GPL-3.0-or-later
// End to end through the WhatsApp simulator: the built ai_forwarder.so on the real PluginManager and
// SessionManager (SQLite), a real Baileys peer, and the real test AI backend. A peer's "hello" reaches
// the AI with api.md's payload, the reply reaches the peer after a composing chat state, and an AI 500
// brings an alert to a second peer acting as the developer number. In a group, a mention of the bot by
// its phone number or by its LID brings an AI call and a quoted reply.
#include "base64.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "../support/wa_peer_process.hpp"
#include "host/http/http_types.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/sessions/session_manager.hpp"
#include "log_capture.hpp"
#include "recording_route_registry.hpp"
#include "test_ai_backend.hpp"
#include "test_database.hpp"
#include "wa_sim_process.hpp"

using namespace wabot;
using wabot::engine::test::WaSimProcess;
using wabot::test::WaPeerProcess;
using wabot::testing::AiScenario;
using wabot::testing::TestAiBackend;

namespace {

constexpr const char* kBotPhone = "15550001111";
constexpr const char* kDevPhone = "15550002222";
constexpr const char* kPeerPhone = "15550003333";

template <class F>
bool eventually(F f, std::chrono::milliseconds limit = std::chrono::milliseconds(60'000)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a condition
  }
  return f();
}

using wabot::test::base64;

std::string control_url(WaSimProcess& sim) {
  auto info = sim.get("/info");
  return Poco::JSON::Parser().parse(info.second).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("controlUrl");
}

struct TempDir {
  std::filesystem::path path;
  TempDir() : path(std::filesystem::temp_directory_path() / ("wabot-aif-e2e-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

class AiForwarderSimE2eTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AiForwarderSimE2eTest);
  CPPUNIT_TEST(helloIsAnsweredAndFailuresAlertTheDeveloper);
  CPPUNIT_TEST(groupsTimeoutsAndAgentsInParallel);
  CPPUNIT_TEST_SUITE_END();

  std::unique_ptr<plugins::testing::LogCapture> logs_;
  plugins::testing::RecordingRouteRegistry routes_;
  std::unique_ptr<TempDir> tmp_;
  std::unique_ptr<TestAiBackend> ai_;
  std::unique_ptr<store::test::TestDatabase> db_;
  std::unique_ptr<WaSimProcess> sim_;
  std::unique_ptr<sessions::SessionManager> sessions_;
  std::unique_ptr<plugins::PluginManager> plugins_;

 public:
  void setUp() override {
    CPPUNIT_ASSERT_MESSAGE("tests/wa_sim/node_modules is missing: run `npm ci` in tests/wa_sim", WaSimProcess::available());
    logs_ = std::make_unique<plugins::testing::LogCapture>();
    tmp_ = std::make_unique<TempDir>();
    ai_ = std::make_unique<TestAiBackend>();
    db_ = store::test::TestDatabase::create(store::test::Backend::sqlite);
    sim_ = std::make_unique<WaSimProcess>();
    sessions::SessionManagerOptions o;
    o.engine.server_url = sim_->ws_url();
    const auto& key = sim_->root_key();
    o.engine.server_root_key = base64(std::string(key.begin(), key.end()));
    o.ai_backend_url = ai_->base_url();
    o.qr_wait_on_create_ms = 20'000;
    std::string error;
    sessions_ = sessions::SessionManager::create(std::shared_ptr<store::Database>(&db_->db(), [](store::Database*) {}), o, error);
    CPPUNIT_ASSERT_MESSAGE(error, sessions_ != nullptr);
    plugins::HostBackends backends;
    backends.routes = &routes_;
    backends.sessions = sessions_.get();
    backends.messaging = sessions_.get();
    backends.shared_config = {{"ai.backend_url", ai_->base_url()}, {"ai.timeout", "6s"}};
    plugins::PluginsConfig config;
    const char* dir = std::getenv("WABOT_PLUGIN_OUTPUT_DIR");
    config.directory = dir ? dir : "plugins";
    plugins::PluginSpec forwarder;
    forwarder.name = "ai_forwarder";
    forwarder.config = YAML::Load(std::string("workers: 2\ndeveloper_jid: '") + kDevPhone + "'");
    plugins::PluginSpec metrics;
    metrics.name = "metrics";
    config.plugins = {forwarder, metrics};
    plugins_ = std::make_unique<plugins::PluginManager>(config, backends);
    CPPUNIT_ASSERT_EQUAL(size_t(2), plugins_->load_all());
    plugins_->start_all();
    plugins::PluginManager* pm = plugins_.get();
    sessions_->set_event_sink([pm](const plugins::PluginEvent& e) { pm->publish(e); });
  }

  void tearDown() override {
    if (plugins_) plugins_->stop_all();
    if (sessions_) sessions_->shutdown();
    plugins_.reset();
    sessions_.reset();
    sim_.reset();
    db_.reset();
    ai_.reset();
    tmp_.reset();
    logs_.reset();
  }

  void pair_bot(const std::string& agent, const std::string& phone, const std::string& api_key = "") {
    auto created = sessions_->create(plugins::SessionCreateRequest{"user-1", agent, "Bot", api_key, 20'000});
    CPPUNIT_ASSERT_MESSAGE(created.status().to_string(), created.is_ok());
    CPPUNIT_ASSERT(created.value().session.qr.has_value());
    auto scanned = sim_->post("/scan", "{\"qr\":" + WaSimProcess::json_string(created.value().session.qr->text) +
                                           ",\"phone\":\"" + phone + "\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(scanned.second, 200, scanned.first);
    CPPUNIT_ASSERT(eventually([&] {
      auto s = sessions_->get(agent);
      return s.is_ok() && s.value().is_ready;
    }));
  }

  void groupsTimeoutsAndAgentsInParallel() {
    pair_bot("bot-1", kBotPhone);
    pair_bot("bot-2", "15550004444");
    WaPeerProcess peer(WaSimProcess::sim_dir(), control_url(*sim_), sim_->ws_url(), (tmp_->path / "peer").string());
    peer.call("pair", WaPeerProcess::args({{"phone", std::string(kPeerPhone)}}));
    WaPeerProcess dev(WaSimProcess::sim_dir(), control_url(*sim_), sim_->ws_url(), (tmp_->path / "dev").string());
    dev.call("pair", WaPeerProcess::args({{"phone", std::string(kDevPhone)}}));
    const std::string bot_jid = std::string(kBotPhone) + "@s.whatsapp.net";

    // Group: no AI call without a mention; a PN mention makes one.
    ai_->set_scenario("bot-1", AiScenario::reply("group reply"));
    Poco::JSON::Array::Ptr members = new Poco::JSON::Array;
    members->add(bot_jid);
    auto a = WaPeerProcess::args({{"subject", std::string("ai group")}});
    a->set("participants", members);
    auto group = peer.call("createGroup", a)->getValue<std::string>("jid");
    peer.call("sendText", WaPeerProcess::args({{"to", group}, {"text", std::string("just chatting")}}));
    Poco::JSON::Array::Ptr mentions = new Poco::JSON::Array;
    mentions->add(bot_jid);
    auto m = WaPeerProcess::args({{"to", group}, {"text", std::string("hey bot, a question")}});
    m->set("mentions", mentions);
    auto mentioned = peer.call("sendText", m);
    CPPUNIT_ASSERT(ai_->wait_for_requests(1, 60'000));
    // The plugin handles one agent's messages in order, so the first AI call being the mentioned message
    // shows "just chatting" made none.
    CPPUNIT_ASSERT(ai_->requests()[0].body.find(R"("input":"hey bot, a question")") != std::string::npos);
    CPPUNIT_ASSERT(ai_->requests()[0].body.find(R"("isGroup":true)") != std::string::npos);
    CPPUNIT_ASSERT(ai_->requests()[0].body.find(R"("chatId":")" + group + "\"") != std::string::npos);
    CPPUNIT_ASSERT(ai_->requests()[0].body.find(R"("messageId":")" + mentioned->getValue<std::string>("id") + "\"") != std::string::npos);
    // The reply goes back to the group, quoting the message that mentioned the bot.
    auto group_reply = peer.call("waitMessage", WaPeerProcess::args({{"text", std::string("group reply")}, {"timeout_ms", 60000}}));
    CPPUNIT_ASSERT_EQUAL(group, group_reply->getValue<std::string>("chat"));
    CPPUNIT_ASSERT_EQUAL(mentioned->getValue<std::string>("id"), group_reply->optValue<std::string>("quotedId", ""));

    // A LID mention ("@<lid user>" in the text, the LID JID in mentions) makes one too: the plugin knows
    // the bot's LID from the session (me_lid), and the reply comes back quoted in the group.
    auto bot_info = sessions_->get("bot-1");
    CPPUNIT_ASSERT(bot_info.is_ok());
    const std::string me_lid = bot_info.value().me_lid;
    const std::string lid_user = me_lid.substr(0, me_lid.find_first_of(":@"));
    CPPUNIT_ASSERT_MESSAGE("the session has no LID: " + me_lid, !lid_user.empty() && me_lid.find("@lid") != std::string::npos);
    ai_->set_scenario("bot-1", AiScenario::reply("lid reply"));
    Poco::JSON::Array::Ptr lid_mentions = new Poco::JSON::Array;
    lid_mentions->add(lid_user + "@lid");
    const std::string lid_text = "@" + lid_user + " what about a LID?";
    auto lm = WaPeerProcess::args({{"to", group}, {"text", lid_text}});
    lm->set("mentions", lid_mentions);
    auto lid_mentioned = peer.call("sendText", lm);
    CPPUNIT_ASSERT(ai_->wait_for_requests(2, 60'000));
    CPPUNIT_ASSERT(ai_->requests()[1].body.find(R"("input":")" + lid_text + "\"") != std::string::npos);
    CPPUNIT_ASSERT(ai_->requests()[1].body.find(R"("isGroup":true)") != std::string::npos);
    CPPUNIT_ASSERT(ai_->requests()[1].body.find(R"("messageId":")" + lid_mentioned->getValue<std::string>("id") + "\"") != std::string::npos);
    auto lid_reply = peer.call("waitMessage", WaPeerProcess::args({{"text", std::string("lid reply")}, {"timeout_ms", 60000}}));
    CPPUNIT_ASSERT_EQUAL(group, lid_reply->getValue<std::string>("chat"));
    CPPUNIT_ASSERT_EQUAL(lid_mentioned->getValue<std::string>("id"), lid_reply->optValue<std::string>("quotedId", ""));

    // A slow AI for bot-1 does not delay bot-2's reply.
    ai_->set_scenario("bot-1", AiScenario::reply("slow reply").slow(3000));
    ai_->set_scenario("bot-2", AiScenario::reply("fast reply"));
    peer.call("sendText", WaPeerProcess::args({{"to", bot_jid}, {"text", std::string("to the slow one")}}));
    CPPUNIT_ASSERT(ai_->wait_for_requests(3, 60'000));  // bot-1's slow call is under way
    peer.call("sendText", WaPeerProcess::args({{"to", std::string("15550004444@s.whatsapp.net")}, {"text", std::string("to the fast one")}}));
    peer.call("waitMessage", WaPeerProcess::args({{"text", std::string("fast reply")}, {"timeout_ms", 60000}}));
    for (const auto& e : peer.events())
      CPPUNIT_ASSERT_MESSAGE("bot-2 waited for bot-1", e->optValue<std::string>("text", "") != "slow reply");
    peer.call("waitMessage", WaPeerProcess::args({{"text", std::string("slow reply")}, {"timeout_ms", 60000}}));

    // An AI timeout (6 s) alerts the developer with the reason and trace id.
    ai_->set_scenario("bot-1", AiScenario::reply("too late").slow(10'000));
    peer.call("sendText", WaPeerProcess::args({{"to", bot_jid}, {"text", std::string("anyone?")}}));
    CPPUNIT_ASSERT(dev.wait_event([](const WaPeerProcess::Object& e) {
      std::string text = e->optValue<std::string>("text", "");
      return e->optValue<std::string>("event", "") == "message" && text.find("reason: AI_TIMEOUT") != std::string::npos &&
             text.find("agent: bot-1") != std::string::npos && text.find("sender: ") != std::string::npos;
    }, std::chrono::seconds(60)));
  }

  void helloIsAnsweredAndFailuresAlertTheDeveloper() {
    pair_bot("bot-1", kBotPhone, "sk-e2e-key");

    WaPeerProcess peer(WaSimProcess::sim_dir(), control_url(*sim_), sim_->ws_url(), (tmp_->path / "peer").string());
    peer.call("pair", WaPeerProcess::args({{"phone", std::string(kPeerPhone)}}));
    WaPeerProcess dev(WaSimProcess::sim_dir(), control_url(*sim_), sim_->ws_url(), (tmp_->path / "dev").string());
    dev.call("pair", WaPeerProcess::args({{"phone", std::string(kDevPhone)}}));
    const std::string bot_jid = std::string(kBotPhone) + "@s.whatsapp.net";
    peer.call("subscribePresence", WaPeerProcess::args({{"to", bot_jid}}));

    ai_->set_scenario("bot-1", AiScenario::reply("hello back from the AI"));
    peer.call("sendText", WaPeerProcess::args({{"to", bot_jid}, {"text", std::string("hello")}}));
    CPPUNIT_ASSERT(ai_->wait_for_requests(1, 60'000));
    auto req = ai_->requests()[0];
    CPPUNIT_ASSERT_EQUAL(std::string("/agents/bot-1/execute"), req.uri);
    CPPUNIT_ASSERT(req.body.find(R"("input":"hello")") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(req.body, req.body.find(std::string("\"session_id\":\"") + kPeerPhone) != std::string::npos ||
                                         req.body.find("@lid\"") != std::string::npos);
    CPPUNIT_ASSERT(req.body.find(R"("agentId":"bot-1")") != std::string::npos);
    CPPUNIT_ASSERT(req.body.find(R"("source":"whatsapp")") != std::string::npos);
    CPPUNIT_ASSERT(req.body.find(R"("isGroup":false)") != std::string::npos);
    CPPUNIT_ASSERT(!req.trace_id.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk-e2e-key"), req.authorization);  // the agent's api key
    auto got = peer.call("waitMessage", WaPeerProcess::args({{"text", std::string("hello back from the AI")}, {"timeout_ms", 60000}}));
    CPPUNIT_ASSERT(got);
    long composing_seq = -1, reply_seq = -1;
    for (const auto& e : peer.events()) {
      if (e->optValue<std::string>("event", "") == "presence" && e->optValue<std::string>("state", "") == "composing" && composing_seq < 0)
        composing_seq = e->optValue<long>("seq", -1);
      if (e->optValue<std::string>("event", "") == "message" && e->optValue<std::string>("text", "") == "hello back from the AI")
        reply_seq = e->optValue<long>("seq", -1);
    }
    CPPUNIT_ASSERT_MESSAGE("no composing chat state seen by the peer", composing_seq >= 0);
    CPPUNIT_ASSERT(reply_seq > composing_seq);

    ai_->set_scenario("bot-1", AiScenario::error500());
    peer.call("sendText", WaPeerProcess::args({{"to", bot_jid}, {"text", std::string("are you there")}}));
    CPPUNIT_ASSERT(dev.wait_event([](const WaPeerProcess::Object& e) {
      std::string text = e->optValue<std::string>("text", "");
      return e->optValue<std::string>("event", "") == "message" && text.find("AI_DOWNSTREAM_ERROR") != std::string::npos &&
             text.find("agent: bot-1") != std::string::npos && text.find("traceId: ") != std::string::npos;
    }, std::chrono::seconds(60)));

    // POST /agents/{agentId}/run through the host's HTTP service wrapper, Bearer checked by the sessions layer.
    ai_->set_scenario("bot-1", AiScenario::reply("run reply", "output"));
    wabot::http::Handler run;
    for (const auto& r : routes_.routes())
      if (r.method == "POST" && r.pattern == "/agents/{agentId}/run") run = r.handler;
    CPPUNIT_ASSERT(run);
    wabot::http::Request run_req;
    run_req.method = "POST";
    run_req.path = "/agents/bot-1/run";
    run_req.route = "/agents/{agentId}/run";
    run_req.path_params = {{"agentId", "bot-1"}};
    run_req.headers = {{"authorization", "Bearer wrong"}};
    run_req.body = std::string(R"({"input":"run it","session_id":")") + kPeerPhone + "\"}";
    run_req.trace_id = "trace-e2e-run";
    wabot::http::Response res;
    run(run_req, res);
    CPPUNIT_ASSERT_EQUAL(401, res.status);
    run_req.headers = {{"authorization", "Bearer sk-e2e-key"}};
    res = wabot::http::Response{};
    run(run_req, res);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(res.body, 200, res.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"data":{"reply":"run reply","replySent":true},"traceId":"trace-e2e-run"})"), res.body);
    peer.call("waitMessage", WaPeerProcess::args({{"text", std::string("run reply")}, {"timeout_ms", 60000}}));
    auto last = ai_->requests().back();
    CPPUNIT_ASSERT_EQUAL(std::string("trace-e2e-run"), last.trace_id);
    CPPUNIT_ASSERT(last.body.find(R"("source":"api")") != std::string::npos);

    // /metrics counts exactly the two messages the bot received and the three it sent (reply, alert, /run).
    std::string body;
    CPPUNIT_ASSERT_MESSAGE(body, eventually([&] {
      auto r = routes_.call("GET", "/metrics");
      body = r.body;
      return r.status == 200 && body.find("\nwhatsapp_messages_received_total 2\n") != std::string::npos &&
             body.find("\nwhatsapp_messages_sent_total 3\n") != std::string::npos &&
             body.find("\nwhatsapp_ai_latency_seconds_count 3\n") != std::string::npos &&
             body.find(R"(http_requests_total{code="200",method="POST",route="/agents/{agentId}/run"} 1)") != std::string::npos &&
             body.find(R"(http_requests_total{code="401",method="POST",route="/agents/{agentId}/run"} 1)") != std::string::npos;
    }, std::chrono::milliseconds(20'000)));
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(AiForwarderSimE2eTest);
