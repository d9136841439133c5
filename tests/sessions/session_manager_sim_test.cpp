// SPDX-License-Identifier: GPL-3.0-or-later
// SessionManager against the WhatsApp simulator and a real database (SQLite and PostgreSQL): create ->
// QR -> scan -> connected persisted -> restart resumes without a QR; delete with logout; reconnect;
// the simulator's 401 -> auth_failed; 440 -> disconnected; the send limiter's refusal.
#include "eventually.hpp"
#include "simulator_settings.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "host/sessions/session_manager.hpp"
#include "host/store/adapters/database_credentials_store.hpp"
#include "host/store/message_log_repository.hpp"
#include "host/store/whatsapp_user_repository.hpp"
#include "test_database.hpp"
#include "wa_sim_process.hpp"

using namespace wabot;
using namespace wabot::sessions;
using wabot::engine::test::WaSimProcess;
using wabot::store::test::Backend;
using wabot::store::test::TestDatabase;

namespace {

const char* kPhone = "15557654321";

// Collects what the manager publishes for the plugins.
class EventRecorder {
 public:
  EventSink sink() {
    return [this](const plugins::PluginEvent& e) {
      std::lock_guard lock(mutex_);
      events_.push_back(e);
    };
  }
  std::size_t count(wabot_event_kind kind) {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (auto& e : events_) n += e.kind == kind;
    return n;
  }
  std::optional<plugins::PluginEvent> find(wabot_event_kind kind, const std::string& agent) {
    std::lock_guard lock(mutex_);
    for (auto& e : events_)
      if (e.kind == kind && e.agent_id == agent) return e;
    return std::nullopt;
  }
  bool saw_state(wabot_session_state state) {
    std::lock_guard lock(mutex_);
    for (auto& e : events_)
      if (e.kind == WABOT_EVENT_SESSION_STATE && e.session_state->current == state) return true;
    return false;
  }

 private:
  std::mutex mutex_;
  std::vector<plugins::PluginEvent> events_;
};

// Polls a condition (the state it waits for is reached by the engine's threads).
using wabot::test::eventually;

void assert_code(wabot_status expected, const Status& status) {
  CPPUNIT_ASSERT_EQUAL_MESSAGE(status.to_string(), std::string(status_name(expected)), std::string(status_name(status.code())));
}

template <class T>
const T& ok(const Result<T>& r) {
  CPPUNIT_ASSERT_MESSAGE(r.status().to_string(), r.is_ok());
  return r.value();
}

}  // namespace

class SessionManagerSimTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SessionManagerSimTest);
  CPPUNIT_TEST(pairs_persists_connected_and_resumes_without_a_qr);
  CPPUNIT_TEST(delete_with_logout_removes_credentials_and_row);
  CPPUNIT_TEST(reconnect_gives_a_new_qr_and_keeps_the_row);
  CPPUNIT_TEST(stream_error_401_persists_auth_failed);
  CPPUNIT_TEST(stream_error_440_persists_disconnected_and_stays_stopped);
  CPPUNIT_TEST(create_rules_and_lookups);
  CPPUNIT_TEST(send_limiter_refusal_is_rate_limited);
  CPPUNIT_TEST(api_key_check_is_exact_and_follows_a_rotation);
  CPPUNIT_TEST(text_between_two_agents_is_acked_logged_and_published);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

 protected:
  virtual Backend backend() const = 0;
  std::unique_ptr<TestDatabase> t_;
  std::unique_ptr<WaSimProcess> sim_;
  EventRecorder events_;
  std::unique_ptr<SessionManager> manager_;

  bool skip() const {
    if (sim_) return false;
    std::cerr << " [skipped: run `npm ci` in tests/wa_sim]";
    return true;
  }

  std::shared_ptr<store::Database> shared_db() { return std::shared_ptr<store::Database>(&t_->db(), [](store::Database*) {}); }

  std::unique_ptr<SessionManager> make_manager(EventRecorder& recorder, SendLimiterOptions limits = {}) {
    SessionManagerOptions o;
    wabot::test::SimulatorSettings::of(*sim_).apply(o.engine);
    o.ai_backend_url = "https://ai.example/";
    o.qr_wait_on_create_ms = 20'000;
    o.rate_limit = limits;
    o.tune_client = [](engine::client::ClientConfig& c) { c.reconnect_initial_delay_ms = 50; };
    std::string error;
    auto m = SessionManager::create(shared_db(), o, error);
    CPPUNIT_ASSERT_MESSAGE(error, m != nullptr);
    m->set_event_sink(recorder.sink());
    return m;
  }

  plugins::SessionCreateRequest request(const std::string& agent, const std::string& user = "user-1") {
    return plugins::SessionCreateRequest{user, agent, "Agent " + agent, "", 0};
  }

  store::WhatsappUser row(const std::string& agent) {
    store::WhatsappUserRepository users(t_->db());
    auto r = users.get(agent);
    CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok() && r->has_value());
    return **r;
  }

  bool has_credentials(const std::string& agent) {
    store::DatabaseCredentialsStore creds(t_->db());
    auto r = creds.load(agent);
    CPPUNIT_ASSERT(r.ok());
    return r->has_value();
  }

  // create -> QR -> the simulator scans it -> connected.
  void pair(SessionManager& m, const std::string& agent, const std::string& phone = kPhone) {
    auto created = ok(m.create(request(agent)));
    CPPUNIT_ASSERT_MESSAGE("no QR within the wait", created.session.qr.has_value());
    std::string body = "{\"qr\":" + WaSimProcess::json_string(created.session.qr->text) + ",\"phone\":\"" + phone + "\"}";
    auto scanned = sim_->post("/scan", body);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(scanned.second, 200, scanned.first);
    CPPUNIT_ASSERT_MESSAGE(sim_->log().substr(0, 2000), eventually([&] {
                             auto s = m.get(agent);
                             return s.is_ok() && s.value().is_ready && s.value().status == "connected";
                           }));
  }

  std::string device_jid(const std::string& agent) { return ok(manager_->get(agent)).me_jid; }

 public:
  void setUp() override {
    t_ = TestDatabase::create(backend());
    if (!WaSimProcess::available()) return;
    sim_ = std::make_unique<WaSimProcess>();
    manager_ = make_manager(events_);
  }

  void tearDown() override {
    manager_.reset();  // stops the clients before the simulator goes
    sim_.reset();
    t_.reset();
  }

  void pairs_persists_connected_and_resumes_without_a_qr() {
    if (skip()) return;
    auto created = ok(manager_->create(request("bot-1")));
    CPPUNIT_ASSERT(created.created);
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_qr"), created.session.status);
    CPPUNIT_ASSERT_EQUAL(int(WABOT_SESSION_AWAITING_QR), (int)created.session.session_state);
    CPPUNIT_ASSERT(created.session.qr && created.session.qr->png.size() > 100);
    CPPUNIT_ASSERT(created.session.qr->expires_at_ms > created.session.qr->updated_at_ms);
    CPPUNIT_ASSERT_EQUAL(std::string("https://ai.example/agents/bot-1/execute"), created.session.endpoint_url_run);
    CPPUNIT_ASSERT(eventually([&] { return events_.count(WABOT_EVENT_QR_UPDATED) >= 1; }));  // published just after
    // An unexpired QR answers at once, the same one.
    auto again = ok(manager_->wait_qr("bot-1", 1));
    CPPUNIT_ASSERT_EQUAL(created.session.qr->text, again.text);

    std::string body = "{\"qr\":" + WaSimProcess::json_string(created.session.qr->text) + ",\"phone\":\"" + kPhone + "\"}";
    auto scanned = sim_->post("/scan", body);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(scanned.second, 200, scanned.first);
    CPPUNIT_ASSERT(eventually([&] { return row("bot-1").status == store::SessionStatus::connected; }));
    CPPUNIT_ASSERT(row("bot-1").last_connected_at_ms.has_value());
    CPPUNIT_ASSERT(eventually([&] { return ok(manager_->get("bot-1")).is_ready; }));
    auto live = ok(manager_->get("bot-1"));
    CPPUNIT_ASSERT_EQUAL(int(WABOT_SESSION_CONNECTED), (int)live.session_state);
    CPPUNIT_ASSERT(live.has_client && !live.qr && live.connected_at_ms > 0);
    CPPUNIT_ASSERT_EQUAL(std::string(kPhone), live.me_phone);
    CPPUNIT_ASSERT(live.me_jid.find(std::string(kPhone) + ":") == 0);
    // The LID the simulator assigned at pairing: group mentions of the bot use it.
    CPPUNIT_ASSERT_MESSAGE(live.me_lid, live.me_lid.size() > 4 && live.me_lid.substr(live.me_lid.size() - 4) == "@lid");
    CPPUNIT_ASSERT(eventually([&] { return events_.saw_state(WABOT_SESSION_CONNECTED); }));
    CPPUNIT_ASSERT_EQUAL(uint64_t(1), manager_->counts().connected);
    // Paired and open: no QR to give.
    auto qr = manager_->wait_qr("bot-1", 1000);
    assert_code(WABOT_ERR_ALREADY_EXISTS, qr.status());
    CPPUNIT_ASSERT(qr.status().message().find("ALREADY_CONNECTED") == 0);
    auto last_connected = *row("bot-1").last_connected_at_ms;

    // A restart: the manager goes (status disconnected), a new one resumes from the database.
    manager_.reset();
    CPPUNIT_ASSERT(row("bot-1").status == store::SessionStatus::disconnected);
    t_->reopen();
    EventRecorder second;
    manager_ = make_manager(second);
    std::size_t started = 0;
    CPPUNIT_ASSERT_EQUAL(std::string(), manager_->resume_all(started));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), started);
    CPPUNIT_ASSERT(eventually([&] { return row("bot-1").status == store::SessionStatus::connected; }));
    CPPUNIT_ASSERT(*row("bot-1").last_connected_at_ms >= last_connected);
    CPPUNIT_ASSERT(eventually([&] { return ok(manager_->get("bot-1")).is_ready; }));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), second.count(WABOT_EVENT_QR_UPDATED));
    CPPUNIT_ASSERT_EQUAL(std::string(kPhone), ok(manager_->get("bot-1")).me_phone);
  }

  void delete_with_logout_removes_credentials_and_row() {
    if (skip()) return;
    pair(*manager_, "bot-2");
    CPPUNIT_ASSERT(has_credentials("bot-2"));
    std::string jid = device_jid("bot-2");
    CPPUNIT_ASSERT(ok(manager_->remove("bot-2", true)));
    CPPUNIT_ASSERT(!has_credentials("bot-2"));
    assert_code(WABOT_ERR_NOT_FOUND, manager_->get("bot-2").status());
    // The phone no longer lists the device.
    auto devices = sim_->get(std::string("/devices?phone=") + kPhone);
    CPPUNIT_ASSERT_EQUAL(200, devices.first);
    CPPUNIT_ASSERT_MESSAGE(devices.second, devices.second.find(jid) == std::string::npos);
    CPPUNIT_ASSERT(!ok(manager_->remove("bot-2", true)));
    CPPUNIT_ASSERT_EQUAL(uint64_t(0), manager_->counts().sessions);
  }

  void reconnect_gives_a_new_qr_and_keeps_the_row() {
    if (skip()) return;
    auto first = ok(manager_->create(request("bot-3")));
    CPPUNIT_ASSERT(first.session.qr);
    auto again = ok(manager_->reconnect("bot-3", 0));
    CPPUNIT_ASSERT(again.qr);
    CPPUNIT_ASSERT(again.qr->text != first.session.qr->text);
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_qr"), again.status);
    CPPUNIT_ASSERT_EQUAL(first.session.created_at_ms, again.created_at_ms);
    assert_code(WABOT_ERR_NOT_FOUND, manager_->reconnect("nobody", 0).status());
  }

  void stream_error_401_persists_auth_failed() {
    if (skip()) return;
    pair(*manager_, "bot-4");
    auto r = sim_->post("/fault/stream-error", "{\"jid\":" + WaSimProcess::json_string(device_jid("bot-4")) + ",\"code\":401}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.second, 200, r.first);
    CPPUNIT_ASSERT(eventually([&] { return row("bot-4").status == store::SessionStatus::auth_failed; }));
    CPPUNIT_ASSERT(row("bot-4").last_disconnected_at_ms.has_value());
    CPPUNIT_ASSERT(!has_credentials("bot-4"));
    CPPUNIT_ASSERT_EQUAL(int(WABOT_SESSION_LOGGED_OUT), (int)ok(manager_->get("bot-4")).session_state);
    CPPUNIT_ASSERT(eventually([&] { return events_.saw_state(WABOT_SESSION_LOGGED_OUT); }));
    // A new QR can be asked for (a fresh client starts).
    auto qr = manager_->wait_qr("bot-4", 20'000);
    CPPUNIT_ASSERT_MESSAGE(qr.status().to_string(), qr.is_ok() && !qr.value().text.empty());
  }

  void stream_error_440_persists_disconnected_and_stays_stopped() {
    if (skip()) return;
    pair(*manager_, "bot-5");
    auto r = sim_->post("/fault/stream-error", "{\"jid\":" + WaSimProcess::json_string(device_jid("bot-5")) + ",\"code\":440}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.second, 200, r.first);
    CPPUNIT_ASSERT(eventually([&] { return row("bot-5").status == store::SessionStatus::disconnected; }));
    CPPUNIT_ASSERT_EQUAL(int(WABOT_SESSION_DISCONNECTED), (int)ok(manager_->get("bot-5")).session_state);
    CPPUNIT_ASSERT(has_credentials("bot-5"));  // a conflict keeps the device
  }

  void create_rules_and_lookups() {
    if (skip()) return;
    auto first = ok(manager_->create(request("bot-6")));
    CPPUNIT_ASSERT(first.created);
    auto second = ok(manager_->create(request("bot-6")));
    CPPUNIT_ASSERT(!second.created);
    auto taken = manager_->create(request("bot-6", "user-2"));
    assert_code(WABOT_ERR_ALREADY_EXISTS, taken.status());
    CPPUNIT_ASSERT(taken.status().message().find("AGENT_ID_TAKEN") == 0);
    auto page = ok(manager_->list(plugins::SessionFilter{"user-1", "awaiting_qr", "", 50}));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), page.sessions.size());
    CPPUNIT_ASSERT(!page.sessions[0].qr);  // lists carry no QR
    assert_code(WABOT_ERR_INVALID_ARGUMENT, manager_->list(plugins::SessionFilter{"", "bogus", "", 50}).status());
    assert_code(WABOT_ERR_NOT_FOUND, manager_->get("nobody").status());
    assert_code(WABOT_ERR_NOT_FOUND, manager_->wait_qr("nobody", 10).status());
    CPPUNIT_ASSERT(!ok(manager_->remove("nobody", false)));
    // Without logout the row goes and the client stops.
    CPPUNIT_ASSERT(ok(manager_->remove("bot-6", false)));
    assert_code(WABOT_ERR_NOT_FOUND, manager_->get("bot-6").status());
  }

  void text_between_two_agents_is_acked_logged_and_published() {
    if (skip()) return;
    const std::string phone_b = "15557654322";
    pair(*manager_, "alice");
    pair(*manager_, "bob", phone_b);
    // Sends need the agent's phone as a PN JID, a quoted unknown id is quoted by id only.
    auto sent = manager_->send_text(plugins::TextSend{"alice", "+1 555 765-4322", "hello bob", "", {}, "trace-1", 0});
    CPPUNIT_ASSERT_MESSAGE(sent.status().to_string(), sent.is_ok());
    const std::string id = sent.value();
    CPPUNIT_ASSERT(!id.empty());
    // Bob's side: the message arrives decrypted, is logged as incoming and published.
    CPPUNIT_ASSERT(eventually([&] { return events_.find(WABOT_EVENT_MESSAGE_RECEIVED, "bob").has_value(); }));
    auto received = *events_.find(WABOT_EVENT_MESSAGE_RECEIVED, "bob");
    CPPUNIT_ASSERT_EQUAL(id, received.message->id);
    CPPUNIT_ASSERT_EQUAL(std::string("hello bob"), received.message->text);
    CPPUNIT_ASSERT_EQUAL(int(WABOT_MESSAGE_TEXT), int(received.message->type));
    store::MessageLogRepository log_repo(t_->db());
    CPPUNIT_ASSERT(eventually([&] {
      auto in = log_repo.find("bob", id);
      return in.ok() && in->has_value();
    }));
    auto in = log_repo.find("bob", id);
    CPPUNIT_ASSERT((*in)->direction == store::MessageDirection::incoming);
    CPPUNIT_ASSERT_EQUAL(std::string("hello bob"), (*in)->text.value_or(""));
    // Alice's side: logged as outgoing, MESSAGE_SENT with the trace id.
    auto out = log_repo.find("alice", id);
    CPPUNIT_ASSERT(out.ok() && out->has_value());
    CPPUNIT_ASSERT((*out)->direction == store::MessageDirection::outgoing);
    CPPUNIT_ASSERT_EQUAL(std::string(phone_b + "@s.whatsapp.net"), (*out)->chat_jid);
    auto sent_event = events_.find(WABOT_EVENT_MESSAGE_SENT, "alice");
    CPPUNIT_ASSERT(sent_event && sent_event->trace_id == "trace-1" && sent_event->message->id == id);
    // And back, quoting alice's message (found in bob's log: quoted with its content).
    auto reply = manager_->send_text(plugins::TextSend{"bob", std::string(kPhone) + "@c.us", "hi alice", id, {}, "", 0});
    CPPUNIT_ASSERT_MESSAGE(reply.status().to_string(), reply.is_ok());
    CPPUNIT_ASSERT(eventually([&] {
      auto r = log_repo.find("alice", reply.value());
      return r.ok() && r->has_value() && (*r)->quoted_id.value_or("") == id;
    }));
    auto stats = store::MessageLogRepository(t_->db()).stats("alice");
    CPPUNIT_ASSERT(stats.ok() && stats->outgoing == 1 && stats->incoming == 1);
    // Bad recipients are refused before any network work.
    assert_code(WABOT_ERR_INVALID_ARGUMENT, manager_->send_text(plugins::TextSend{"alice", "not a phone", "x", "", {}, "", 0}).status());
    // A group the server does not know: the group query fails, nothing is sent.
    assert_code(WABOT_ERR_BAD_GATEWAY, manager_->send_text(plugins::TextSend{"alice", "123456789-1600000000@g.us", "x", "", {}, "", 0}).status());
    // Typing indicators go out on the connection (relayed live by the simulator).
    CPPUNIT_ASSERT(manager_->set_typing("alice", phone_b + "@s.whatsapp.net", WABOT_TYPING_COMPOSING).is_ok());
  }

  void api_key_check_is_exact_and_follows_a_rotation() {
    if (skip()) return;
    auto req = request("bot-8");
    req.api_key = "key-one";
    ok(manager_->create(req));
    CPPUNIT_ASSERT(ok(manager_->check_api_key("bot-8", "key-one")));
    assert_code(WABOT_ERR_NOT_FOUND, manager_->check_api_key("nobody", "x").status());
    CPPUNIT_ASSERT_EQUAL(std::string("key-one"), ok(manager_->api_key("bot-8")));  // the AI calls' Bearer
    assert_code(WABOT_ERR_NOT_FOUND, manager_->api_key("nobody").status());
    if (backend() == Backend::sqlite) {  // api_keys belongs to another service on PostgreSQL
      // The user rotates the key in api_keys: the first mismatch re-reads it, then the new key works.
      t_->exec("INSERT INTO api_keys (user_id, access_token, is_active) VALUES ('user-1', 'key-two', 1)");
      CPPUNIT_ASSERT(!ok(manager_->check_api_key("bot-8", "key-two")));
      CPPUNIT_ASSERT(eventually([&] { return ok(manager_->check_api_key("bot-8", "key-two")); }));
      CPPUNIT_ASSERT(!ok(manager_->check_api_key("bot-8", "key-one")));
    }
    CPPUNIT_ASSERT(!ok(manager_->check_api_key("bot-8", "key-onf")));
    CPPUNIT_ASSERT(!ok(manager_->check_api_key("bot-8", "")));
  }

  void send_limiter_refusal_is_rate_limited() {
    if (skip()) return;
    manager_.reset();
    SendLimiterOptions limits;
    limits.per_minute = 1;
    limits.burst = 1;
    limits.queue_size = 0;  // nobody may wait: an empty bucket refuses at once
    manager_ = make_manager(events_, limits);
    ok(manager_->create(request("bot-7")));
    plugins::TextSend send{"bot-7", "15550001111@s.whatsapp.net", "hi", "", {}, "", 0};
    auto first = manager_->send_text(send);
    assert_code(WABOT_ERR_NOT_READY, first.status());  // took the token, not connected
    auto second = manager_->send_text(send);
    assert_code(WABOT_ERR_RATE_LIMITED, second.status());
    send.agent_id = "nobody";
    assert_code(WABOT_ERR_NOT_FOUND, manager_->send_text(send).status());
  }
};

class SqliteSessionManagerSimTest : public SessionManagerSimTest {
  CPPUNIT_TEST_SUB_SUITE(SqliteSessionManagerSimTest, SessionManagerSimTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::sqlite; }
};

class PostgresSessionManagerSimTest : public SessionManagerSimTest {
  CPPUNIT_TEST_SUB_SUITE(PostgresSessionManagerSimTest, SessionManagerSimTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteSessionManagerSimTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresSessionManagerSimTest);
