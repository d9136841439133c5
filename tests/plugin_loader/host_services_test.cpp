// SPDX-License-Identifier: GPL-3.0-or-later
// The host side of the SDK services, called through the C tables exactly as a plugin calls them (with
// a loaded fixture's handle): argument checks, backend calls, error codes with messages, namespacing.
#include "fixture_paths.hpp"
#include "in_memory_backends.hpp"
#include "log_capture.hpp"
#include "recording_route_registry.hpp"

#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/services.hpp"

#include <wabot/sdk.hpp>

#include <boost/dll/shared_library.hpp>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>

using namespace wabot::plugins;
using namespace wabot::plugins::testing;

class HostServicesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HostServicesTest);
  CPPUNIT_TEST(servicesAreFoundByNameAndMajor);
  CPPUNIT_TEST(messagingForwardsAndMapsErrors);
  CPPUNIT_TEST(messagingRefusesBadRequests);
  CPPUNIT_TEST(sessionsRoundTripThroughVisitors);
  CPPUNIT_TEST(sessionsRefuseBadAgentIds);
  CPPUNIT_TEST(healthListsPluginsAndComponents);
  CPPUNIT_TEST(healthCarriesEngineHealth);
  CPPUNIT_TEST(pluginBuiltAgainst11ReadsHealth);
  CPPUNIT_TEST(storeIsNamespacedByPlugin);
  CPPUNIT_TEST(missingBackendIsUnsupported);
  CPPUNIT_TEST(configGettersCheckDeclaredType);
  CPPUNIT_TEST(responseCallbacksRefuseHeaderInjection);
  CPPUNIT_TEST(invalidHandlesAndViewsAreRefused);
  CPPUNIT_TEST(postedWorkRunsOnThePluginQueue);
  CPPUNIT_TEST(timersCanOnlyBeCancelledByTheirOwner);
  CPPUNIT_TEST_SUITE_END();

  LogCapture* logs_ = nullptr;
  RecordingRouteRegistry routes_;
  InMemorySessions sessions_;
  InMemoryMessaging messaging_;
  FixedHealth health_;
  InMemoryStore store_;
  std::unique_ptr<PluginManager> manager_;
  wabot_host* a_ = nullptr;
  wabot_host* b_ = nullptr;

  HostBackends backends() {
    HostBackends b;
    b.routes = &routes_;
    b.sessions = &sessions_;
    b.messaging = &messaging_;
    b.health = &health_;
    b.store = &store_;
    b.host_version = "9.8.7";
    return b;
  }

 public:
  void setUp() override {
    logs_ = new LogCapture();
    manager_ = std::make_unique<PluginManager>(fixture_config({fixture_spec("recorder_a"), fixture_spec("recorder_b")}), backends());
    manager_->load_all();
    manager_->start_all();
    a_ = manager_->find("recorder_a")->handle();
    b_ = manager_->find("recorder_b")->handle();
  }
  void tearDown() override {
    manager_.reset();
    delete logs_;
  }

  std::string last_error() { return std::string(wabot::from_view(host_api()->last_error(a_))); }

  void servicesAreFoundByNameAndMajor() {
    for (const char* name : {"log", "config", "http", "events", "sessions", "messaging", "scheduler", "health", "store"}) {
      auto* table = static_cast<const size_t*>(host_api()->get_service(a_, wabot::to_view(name), 1));
      CPPUNIT_ASSERT_MESSAGE(name, table != nullptr && *table >= sizeof(size_t) * 2);
      CPPUNIT_ASSERT(host_api()->get_service(a_, wabot::to_view(name), 2) == nullptr);
    }
    CPPUNIT_ASSERT(host_api()->get_service(a_, wabot::to_view("metrics"), 1) == nullptr);
  }

  void messagingForwardsAndMapsErrors() {
    wabot_str_view mentions[] = {wabot::to_view("62812@s.whatsapp.net")};
    wabot_send_text req{sizeof(req), wabot::to_view("agent-1"), wabot::to_view("+62 811"), wabot::to_view("hi"),
                        wabot::to_view("Q1"), mentions, 1, wabot::to_view("t-1"), 0};
    wabot_message_id id{sizeof(id), {}, 0};
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, messaging_service()->send_text(a_, &req, &id));
    CPPUNIT_ASSERT_EQUAL(std::string("3EB01"), std::string(id.id, id.len));
    CPPUNIT_ASSERT_EQUAL(size_t(1), messaging_.texts.size());
    CPPUNIT_ASSERT_EQUAL(std::string("+62 811"), messaging_.texts[0].to);
    CPPUNIT_ASSERT_EQUAL(std::string("Q1"), messaging_.texts[0].quoted_message_id);
    CPPUNIT_ASSERT_EQUAL(std::string("62812@s.whatsapp.net"), messaging_.texts[0].mentions.at(0));
    messaging_.next = wabot::Status::error(WABOT_ERR_RATE_LIMITED, "send queue of agent-1 is full");
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_RATE_LIMITED, messaging_service()->send_text(a_, &req, &id));
    CPPUNIT_ASSERT_EQUAL(std::string("send queue of agent-1 is full"), last_error());
    // Through the C++ wrapper, the status and message arrive together.
    wabot::Host host(host_api(), a_);
    auto r = wabot::Messaging(host).send_text({"agent-1", "62811", "x", {}, {}, {}, 0});
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_RATE_LIMITED, r.status().code());
    CPPUNIT_ASSERT(r.status().message().find("send queue of agent-1 is full") != std::string::npos);
  }

  void messagingRefusesBadRequests() {
    wabot_send_text req{sizeof(req), wabot::to_view("agent-1"), {}, wabot::to_view("hi"), {}, nullptr, 0, {}, 0};
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, messaging_service()->send_text(a_, &req, nullptr));
    req.to = wabot::to_view("62811");
    req.struct_size = 16;  // from a broken plugin
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, messaging_service()->send_text(a_, &req, nullptr));
    req.struct_size = sizeof(req);
    req.text = {nullptr, 5};  // a view that points nowhere
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, messaging_service()->send_text(a_, &req, nullptr));
    std::string big(70 * 1024, 'x');
    req.text = wabot::to_view(big);
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_TOO_LARGE, messaging_service()->send_text(a_, &req, nullptr));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT,
                         messaging_service()->set_typing(a_, wabot::to_view("agent-1"), wabot::to_view("c"), 99));
    CPPUNIT_ASSERT(messaging_.texts.empty());
  }

  void sessionsRoundTripThroughVisitors() {
    wabot::Host host(host_api(), a_);
    wabot::Sessions sessions(host);
    auto created = sessions.create("user-1", "support-bot", "Support", "secret-key", 0);
    CPPUNIT_ASSERT(created.is_ok());
    CPPUNIT_ASSERT(created.value().created);
    CPPUNIT_ASSERT_EQUAL(std::string("support-bot"), created.value().session.agent_id);
    CPPUNIT_ASSERT(!sessions.create("user-1", "support-bot", "Support", "", 0).value().created);
    sessions_.sessions["support-bot"].qr = wabot::QrCode{"2@ref", "\x89PNG", 5, 6};
    auto got = sessions.get("support-bot");
    CPPUNIT_ASSERT(got.is_ok() && got.value().qr && got.value().qr->png == "\x89PNG");
    auto qr = sessions.wait_qr("support-bot", 1000);
    CPPUNIT_ASSERT(qr.is_ok() && qr.value().text == "2@ref");
    auto page = sessions.list();
    CPPUNIT_ASSERT(page.is_ok() && page.value().sessions.size() == 1);
    CPPUNIT_ASSERT(sessions.remove("support-bot", true).value());
    auto missing = sessions.get("support-bot");
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_NOT_FOUND, missing.status().code());
    CPPUNIT_ASSERT(!sessions.remove("support-bot", false).value());
    // The API key never reaches a log line.
    for (const std::string& line : logs_->lines()) CPPUNIT_ASSERT(line.find("secret-key") == std::string::npos);
  }

  void sessionsRefuseBadAgentIds() {
    wabot::Host host(host_api(), a_);
    auto r = wabot::Sessions(host).get("../../etc/passwd");
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, r.status().code());
    r = wabot::Sessions(host).get(std::string(65, 'a'));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, r.status().code());
  }

  void healthListsPluginsAndComponents() {
    wabot::Host host(host_api(), a_);
    auto h = wabot::Health(host).snapshot();
    CPPUNIT_ASSERT(h.is_ok());
    CPPUNIT_ASSERT_EQUAL(std::string("9.8.7"), h.value().host_version);
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_COMPONENT_HEALTHY, h.value().database);
    CPPUNIT_ASSERT_EQUAL(uint64_t(3), h.value().sessions);
    CPPUNIT_ASSERT_EQUAL(uint64_t(2), h.value().sessions_connected);
    CPPUNIT_ASSERT_EQUAL(size_t(2), h.value().plugins.size());
    CPPUNIT_ASSERT_EQUAL(std::string("recorder_a"), h.value().plugins[0].name);
    CPPUNIT_ASSERT_EQUAL(std::string("1.2.3"), h.value().plugins[0].version);
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_PLUGIN_STATE_RUNNING, h.value().plugins[0].state);
    CPPUNIT_ASSERT(h.value().now_ms > 1'600'000'000'000);
    health_.db = {WABOT_COMPONENT_DOWN, "connection refused"};
    h = wabot::Health(host).snapshot();
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_COMPONENT_DOWN, h.value().database);
    CPPUNIT_ASSERT_EQUAL(std::string("connection refused"), h.value().database_detail);
  }

  // ABI 1.2: decrypt failures and queued sends, in total and per agent, from the health backend.
  void healthCarriesEngineHealth() {
    wabot::Host host(host_api(), a_);
    auto h = wabot::Health(host).snapshot();
    CPPUNIT_ASSERT(h.is_ok() && h.value().has_engine_health);
    CPPUNIT_ASSERT_EQUAL(uint64_t(0), h.value().decrypt_failures);
    CPPUNIT_ASSERT(h.value().agents.empty());
    health_.counts.decrypt_failures = 7;
    health_.counts.sends_queued = 3;
    health_.counts.agents = {{"agent-1", 5, 3}, {"agent-2", 2, 0}};
    h = wabot::Health(host).snapshot();
    CPPUNIT_ASSERT_EQUAL(uint64_t(7), h.value().decrypt_failures);
    CPPUNIT_ASSERT_EQUAL(uint64_t(3), h.value().sends_queued);
    CPPUNIT_ASSERT_EQUAL(size_t(2), h.value().agents.size());
    CPPUNIT_ASSERT_EQUAL(std::string("agent-1"), h.value().agents[0].agent_id);
    CPPUNIT_ASSERT_EQUAL(uint64_t(5), h.value().agents[0].decrypt_failures);
    CPPUNIT_ASSERT_EQUAL(uint64_t(3), h.value().agents[0].sends_queued);
    CPPUNIT_ASSERT_EQUAL(std::string("agent-2"), h.value().agents[1].agent_id);
    CPPUNIT_ASSERT_EQUAL(uint64_t(2), h.value().agents[1].decrypt_failures);
  }

  // A plugin built against 1.1 (descriptor minor 1, the 1.1 wabot_health) loads, starts and reads its
  // fields of the longer 1.2 snapshot correctly.
  void pluginBuiltAgainst11ReadsHealth() {
    health_.counts.agents = {{"agent-1", 5, 3}};
    PluginManager manager(fixture_config({fixture_spec("abi_1_1_health")}), backends());
    CPPUNIT_ASSERT_EQUAL(size_t(1), manager.load_all());
    manager.start_all();
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_PLUGIN_STATE_RUNNING, manager.plugins().at(0).state);
    boost::dll::shared_library fixture(fixture_dir() + "/abi_1_1_health.so");
    auto seen = fixture.get<int(uint64_t*, uint64_t*, size_t*, size_t*, const char**)>("abi_1_1_health_seen");
    uint64_t sessions = 0, connected = 0;
    size_t plugin_count = 0, struct_size = 0;
    const char* version = nullptr;
    CPPUNIT_ASSERT_EQUAL((int)WABOT_OK, seen(&sessions, &connected, &plugin_count, &struct_size, &version));
    CPPUNIT_ASSERT_EQUAL(uint64_t(3), sessions);
    CPPUNIT_ASSERT_EQUAL(uint64_t(2), connected);
    CPPUNIT_ASSERT_EQUAL(size_t(1), plugin_count);
    CPPUNIT_ASSERT_EQUAL(std::string("9.8.7"), std::string(version));
    CPPUNIT_ASSERT_EQUAL(sizeof(wabot_health), struct_size);  // the host hands its full 1.2 struct
    manager.stop_all();
  }

  void storeIsNamespacedByPlugin() {
    wabot::Host ha(host_api(), a_), hb(host_api(), b_);
    CPPUNIT_ASSERT(wabot::Store(ha).put("cursor", "42").is_ok());
    CPPUNIT_ASSERT_EQUAL(std::string("42"), wabot::Store(ha).get("cursor").value());
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_NOT_FOUND, wabot::Store(hb).get("cursor").status().code());
    CPPUNIT_ASSERT_EQUAL(size_t(1), store_.rows.count("recorder_a/cursor"));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, wabot::Store(ha).put("", "x").code());
    std::string huge((1u << 20) + 1, 'x');
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_TOO_LARGE, wabot::Store(ha).put("k", huge).code());
    auto stats = wabot::Store(ha).agent_stats("agent-1");
    CPPUNIT_ASSERT(stats.is_ok() && stats.value().incoming_messages == 5 && stats.value().last_activity_ms == 1000);
    CPPUNIT_ASSERT(wabot::Store(ha).record_ai_execution({"agent-1", "t", "api", "62811", 1, 20, 200, {}, {}}).is_ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), store_.ai.size());
    CPPUNIT_ASSERT_EQUAL(int64_t(20), store_.ai[0].latency_ms);
  }

  void missingBackendIsUnsupported() {
    PluginManager bare(fixture_config({fixture_spec("config_keys")}), HostBackends{});
    bare.load_all();
    wabot::Host host(host_api(), bare.find("config_keys")->handle());
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_UNSUPPORTED, wabot::Sessions(host).get("a").status().code());
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_UNSUPPORTED, wabot::Messaging(host).send_text({"a", "b", "c", {}, {}, {}, 0}).status().code());
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_UNSUPPORTED, wabot::Store(host).get("k").status().code());
    CPPUNIT_ASSERT(wabot::Health(host).snapshot().is_ok());  // health works without backends: components unset
  }

  void configGettersCheckDeclaredType() {
    wabot::Host host(host_api(), a_);
    wabot::Config config(host);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), config.get_duration_ms("tick").value());
    auto wrong = config.get_int("tick");
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_CONFIG, wrong.status().code());
    CPPUNIT_ASSERT(wrong.status().message().find("declared as duration") != std::string::npos);
    auto undeclared = config.get_string("nope");
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_CONFIG, undeclared.status().code());
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_NOT_FOUND, config.shared("media.temp_dir").status().code());
  }

  void responseCallbacksRefuseHeaderInjection() {
    wabot::http::Response response;
    auto* handle = reinterpret_cast<wabot_http_response*>(&response);
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT,
                         http_service()->add_header(handle, wabot::to_view("X-A"), wabot::to_view("1\r\nSet-Cookie: x")));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT,
                         http_service()->add_header(handle, wabot::to_view("X-Trace-Id"), wabot::to_view("mine")));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, http_service()->set_status(handle, 42));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, http_service()->add_header(handle, wabot::to_view("X-A"), wabot::to_view("1")));
    CPPUNIT_ASSERT_EQUAL(size_t(1), response.headers.size());
  }

  void invalidHandlesAndViewsAreRefused() {
    wabot_send_text req{sizeof(req), wabot::to_view("agent-1"), wabot::to_view("62811"), wabot::to_view("hi"), {}, nullptr, 0, {}, 0};
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, messaging_service()->send_text(nullptr, &req, nullptr));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, messaging_service()->send_text(a_, nullptr, nullptr));
    wabot_str_view out{};
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, config_service()->get_string(nullptr, wabot::to_view("tick"), &out));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, config_service()->get_shared(a_, {nullptr, 3}, &out));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, log_service()->write(a_, 42, wabot::to_view("x"), nullptr, 0));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, log_service()->write(a_, WABOT_LOG_INFO, wabot::to_view("x"), nullptr, 3));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, events_service()->subscribe(a_, 1u << 30));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT,
                         http_service()->add_route(a_, wabot::to_view("BREW"), wabot::to_view("/coffee"), nullptr, nullptr));
    CPPUNIT_ASSERT(host_api()->get_service(a_, {nullptr, 4}, 1) == nullptr);
    CPPUNIT_ASSERT(!last_error().empty());
  }

  static void count_task(void* counter) { static_cast<std::atomic<int>*>(counter)->fetch_add(1); }

  void postedWorkRunsOnThePluginQueue() {
    std::atomic<int> counter{0};
    for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, scheduler_service()->post(a_, &count_task, &counter));
    CPPUNIT_ASSERT(manager_->wait_idle_ms(5000));
    CPPUNIT_ASSERT_EQUAL(5, counter.load());
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, scheduler_service()->post(a_, nullptr, nullptr));
    manager_->stop_all();
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_NOT_READY, scheduler_service()->post(a_, &count_task, &counter));
  }

  void timersCanOnlyBeCancelledByTheirOwner() {
    std::atomic<int> counter{0};
    wabot_timer_id id = 0;
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, scheduler_service()->schedule(a_, 3'600'000, 0, &count_task, &counter, &id));
    CPPUNIT_ASSERT(id != 0);
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_NOT_FOUND, scheduler_service()->cancel(b_, id));  // not b's timer
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, scheduler_service()->cancel(a_, id));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_NOT_FOUND, scheduler_service()->cancel(a_, id));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INVALID_ARGUMENT, scheduler_service()->schedule(a_, -1, 0, &count_task, &counter, &id));
    CPPUNIT_ASSERT_EQUAL(0, counter.load());
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(HostServicesTest);
