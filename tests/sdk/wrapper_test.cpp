// SPDX-License-Identifier: MIT
// The C++ wrappers: exceptions and error Statuses thrown/returned by plugin code become error codes
// (never cross the C boundary), hooks are wired only when defined, and services round-trip through
// the fake host.
#include <wabot/sdk.hpp>
#include <wabot/testing/fake_host.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <cstddef>
#include <stdexcept>
#include <string>

namespace {

using wabot::testing::FakeHost;

struct ThrowsInConstructor : wabot::Plugin {
  explicit ThrowsInConstructor(wabot::Host& h) : wabot::Plugin(h) { throw std::runtime_error("no config file"); }
};

struct ThrowsInStart : wabot::Plugin {
  using wabot::Plugin::Plugin;
  wabot::Status start() { throw std::logic_error("start exploded"); }
};

struct FailsStart : wabot::Plugin {
  using wabot::Plugin::Plugin;
  wabot::Status start() { return wabot::Status::error(WABOT_ERR_CONFIG, "ai.backend_url is required"); }
};

struct ThrowsEverywhere : wabot::Plugin {
  using wabot::Plugin::Plugin;
  wabot::Status start() {
    auto s = http().add_route("GET", "/boom", [](const wabot::HttpRequest&, const wabot::HttpResponse&) {
      throw std::runtime_error("handler exploded");
    });
    if (!s) return s;
    return events().subscribe({WABOT_EVENT_SESSION_STATE});
  }
  wabot::Status on_message(const wabot::Event&) { throw 42; }  // not even a std::exception
  wabot::Status on_event(const wabot::Event&) { throw std::runtime_error("event exploded"); }
};

struct Minimal : wabot::Plugin {
  using wabot::Plugin::Plugin;
};

struct Full : wabot::Plugin {
  static constexpr wabot_config_key config_keys[] = {
      wabot::config_key("interval", WABOT_CONFIG_DURATION, "1h", "how often"),
      wabot::config_key("limit", WABOT_CONFIG_INT, "10", "how many"),
      wabot::config_key("enabled", WABOT_CONFIG_BOOL, "true", "on/off"),
      wabot::config_key("ratio", WABOT_CONFIG_DOUBLE, "0.5", "a ratio"),
      wabot::config_key("name", WABOT_CONFIG_STRING, nullptr, "optional, no default"),
  };
  using wabot::Plugin::Plugin;

  int64_t interval_ms = 0, limit = 0, ticks = 0;
  bool enabled = false;
  double ratio = 0;
  wabot::Status name_status;
  std::string qr_text;

  wabot::Status init() {
    interval_ms = config().get_duration_ms("interval").value();
    limit = config().get_int("limit").value();
    enabled = config().get_bool("enabled").value();
    ratio = config().get_double("ratio").value();
    name_status = config().get_string("name").status();
    return wabot::Status::ok();
  }
  wabot::Status start() {
    auto timer = scheduler().schedule(interval_ms, interval_ms, [this] { ++ticks; });
    if (!timer) return timer.status();
    auto route = http().add_route("GET", "/things/{id}", [this](const wabot::HttpRequest& req, const wabot::HttpResponse& res) {
      res.header("X-Seen", std::string(req.param("id").value_or("?")));
      res.json(200, std::string(R"({"id":")") + std::string(req.param("id").value_or("")) + R"(","limit":)" +
                        std::to_string(limit) + "}");
    });
    if (!route) return route;
    return events().subscribe({WABOT_EVENT_QR_UPDATED});
  }
  wabot::Status on_event(const wabot::Event& e) {
    if (e.qr()) qr_text = std::string(wabot::from_view(e.qr()->text));
    return wabot::Status::ok();
  }
};


}  // namespace

class WrapperTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WrapperTest);
  CPPUNIT_TEST(constructorExceptionBecomesCreateError);
  CPPUNIT_TEST(startExceptionBecomesInternalError);
  CPPUNIT_TEST(startErrorStatusKeepsItsCodeAndMessage);
  CPPUNIT_TEST(handlerExceptionBecomes500AndErrorReturn);
  CPPUNIT_TEST(eventHookExceptionsBecomeErrors);
  CPPUNIT_TEST(optionalHooksAreWiredOnlyWhenDefined);
  CPPUNIT_TEST(descriptorCarriesNameVersionAbiAndKeys);
  CPPUNIT_TEST(typedConfigGettersUseDefaultsAndValues);
  CPPUNIT_TEST(wrongTypeConfigValueIsRefusedWithKeyName);
  CPPUNIT_TEST(routeParamsAndResponseRoundTrip);
  CPPUNIT_TEST(timersRunOnTheFakeClock);
  CPPUNIT_TEST(subscribedEventsReachOnEvent);
  CPPUNIT_TEST(durationsParse);
  CPPUNIT_TEST(messageFlagsReadOnlyWhenTheHostHasThem);
  CPPUNIT_TEST_SUITE_END();

 public:
  // ABI 1.3 compatibility: a 1.2 host's wabot_message ends at is_from_me; the wrapper then reads no
  // flags even if the bytes after it are set, and a 1.3 host's REPLAYED bit is seen.
  void messageFlagsReadOnlyWhenTheHostHasThem() {
    wabot_message raw{};
    raw.struct_size = sizeof(raw);
    raw.flags = WABOT_MESSAGE_FLAG_REPLAYED;
    CPPUNIT_ASSERT(wabot::Message(raw).is_replayed());
    CPPUNIT_ASSERT_EQUAL(uint32_t(WABOT_MESSAGE_FLAG_REPLAYED), wabot::Message(raw).flags());
    raw.struct_size = offsetof(wabot_message, flags);  // what a 1.2 host hands out
    CPPUNIT_ASSERT_EQUAL(uint32_t(0), wabot::Message(raw).flags());
    CPPUNIT_ASSERT(!wabot::Message(raw).is_replayed());
    raw.struct_size = sizeof(raw);
    raw.flags = 0;
    CPPUNIT_ASSERT(!wabot::Message(raw).is_replayed());
  }

  void constructorExceptionBecomesCreateError() {
    FakeHost host;
    wabot::Status s = host.load(wabot::detail::descriptor<ThrowsInConstructor>("ctor", "1.0.0"));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INTERNAL, s.code());
    CPPUNIT_ASSERT(s.message().find("no config file") != std::string::npos);
  }
  void startExceptionBecomesInternalError() {
    FakeHost host;
    wabot::Status s = host.load(wabot::detail::descriptor<ThrowsInStart>("start", "1.0.0"));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INTERNAL, s.code());
    CPPUNIT_ASSERT(s.message().find("start exploded") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_PLUGIN_STATE_FAILED, host.plugin_state());
  }
  void startErrorStatusKeepsItsCodeAndMessage() {
    FakeHost host;
    wabot::Status s = host.load(wabot::detail::descriptor<FailsStart>("fails", "1.0.0"));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_CONFIG, s.code());
    CPPUNIT_ASSERT(s.message().find("ai.backend_url is required") != std::string::npos);
  }
  void handlerExceptionBecomes500AndErrorReturn() {
    FakeHost host;
    CPPUNIT_ASSERT(host.load(wabot::detail::descriptor<ThrowsEverywhere>("throws", "1.0.0")).is_ok());
    wabot::testing::HttpResult r = host.get("/boom");
    CPPUNIT_ASSERT_EQUAL(500, r.status);
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INTERNAL, r.handler_status);
    CPPUNIT_ASSERT(host.last_plugin_error().find("handler exploded") != std::string::npos);
  }
  void eventHookExceptionsBecomeErrors() {
    FakeHost host;
    CPPUNIT_ASSERT(host.load(wabot::detail::descriptor<ThrowsEverywhere>("throws", "1.0.0")).is_ok());
    wabot::testing::TestMessage m;
    m.text = "hi";
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INTERNAL, host.deliver(m));
    CPPUNIT_ASSERT(host.last_plugin_error().find("non-std exception") != std::string::npos);
    wabot_session_state_change change{sizeof(change), WABOT_SESSION_STARTING, WABOT_SESSION_CONNECTED, {}};
    wabot_event ev{};
    ev.struct_size = sizeof(ev);
    ev.kind = WABOT_EVENT_SESSION_STATE;
    ev.session_state = &change;
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_INTERNAL, host.deliver_event(ev));
    CPPUNIT_ASSERT(host.last_plugin_error().find("event exploded") != std::string::npos);
  }
  void optionalHooksAreWiredOnlyWhenDefined() {
    const wabot_plugin_descriptor* minimal = wabot::detail::descriptor<Minimal>("minimal", "0.1.0");
    CPPUNIT_ASSERT(minimal->create && minimal->start && minimal->stop && minimal->destroy);
    CPPUNIT_ASSERT(minimal->on_message == nullptr);
    CPPUNIT_ASSERT(minimal->on_event == nullptr);
    const wabot_plugin_descriptor* throws = wabot::detail::descriptor<ThrowsEverywhere>("throws", "1.0.0");
    CPPUNIT_ASSERT(throws->on_message != nullptr && throws->on_event != nullptr);
  }
  void descriptorCarriesNameVersionAbiAndKeys() {
    const wabot_plugin_descriptor* d = wabot::detail::descriptor<Full>("full", "2.3.4");
    CPPUNIT_ASSERT_EQUAL(sizeof(wabot_plugin_descriptor), d->struct_size);
    CPPUNIT_ASSERT_EQUAL(std::string("full"), std::string(d->name));
    CPPUNIT_ASSERT_EQUAL(std::string("2.3.4"), std::string(d->version));
    CPPUNIT_ASSERT_EQUAL(uint32_t(WABOT_ABI_VERSION_MAJOR), d->abi_major);
    CPPUNIT_ASSERT_EQUAL(uint32_t(WABOT_ABI_VERSION_MINOR), d->abi_minor);
    CPPUNIT_ASSERT_EQUAL(size_t(5), d->config_key_count);
    CPPUNIT_ASSERT_EQUAL(std::string("interval"), std::string(d->config_keys[0].name));
  }
  void typedConfigGettersUseDefaultsAndValues() {
    FakeHost host;
    host.set_config("limit", "25");
    host.set_config("enabled", "off");
    CPPUNIT_ASSERT(host.load(wabot::detail::descriptor<Full>("full", "1.0.0")).is_ok());
    wabot::testing::HttpResult r = host.get("/things/42");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"id":"42","limit":25})"), r.body);
  }
  void wrongTypeConfigValueIsRefusedWithKeyName() {
    FakeHost host;
    host.set_config("interval", "soon");
    wabot::Status s = host.load(wabot::detail::descriptor<Full>("full", "1.0.0"));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_CONFIG, s.code());
    CPPUNIT_ASSERT(s.message().find("interval") != std::string::npos);
    CPPUNIT_ASSERT(s.message().find("duration") != std::string::npos);
  }
  void routeParamsAndResponseRoundTrip() {
    FakeHost host;
    CPPUNIT_ASSERT(host.load(wabot::detail::descriptor<Full>("full", "1.0.0")).is_ok());
    CPPUNIT_ASSERT(host.has_route("GET", "/things/{id}"));
    wabot::testing::HttpResult r = host.get("/things/abc");
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), r.content_type);
    CPPUNIT_ASSERT_EQUAL(size_t(1), r.headers.size());
    CPPUNIT_ASSERT_EQUAL(std::string("abc"), r.headers[0].second);
    CPPUNIT_ASSERT_EQUAL(404, host.get("/things").status);
    host.unload();
    CPPUNIT_ASSERT_EQUAL(503, host.get("/things/abc").status);  // stopped: the handler is not called
  }
  void timersRunOnTheFakeClock() {
    FakeHost host;
    host.set_config("interval", "10m");
    CPPUNIT_ASSERT(host.load(wabot::detail::descriptor<Full>("full", "1.0.0")).is_ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), host.timer_count());
    host.advance_ms(9 * 60'000);
    CPPUNIT_ASSERT_EQUAL(uint64_t(0), host.timer_ticks());
    host.advance_ms(60'000);
    CPPUNIT_ASSERT_EQUAL(uint64_t(1), host.timer_ticks());
    host.advance_ms(30 * 60'000);
    CPPUNIT_ASSERT_EQUAL(uint64_t(4), host.timer_ticks());
  }
  void subscribedEventsReachOnEvent() {
    FakeHost host;
    CPPUNIT_ASSERT(host.load(wabot::detail::descriptor<Full>("full", "1.0.0")).is_ok());
    CPPUNIT_ASSERT_EQUAL(uint32_t(WABOT_EVENT_BIT(WABOT_EVENT_QR_UPDATED)), host.subscription_mask());
    std::string text = "2@ref,key,id,secret";
    wabot_qr_update qr{sizeof(qr), wabot::to_view(text), {}, 1, 2};
    wabot_event ev{};
    ev.struct_size = sizeof(ev);
    ev.kind = WABOT_EVENT_QR_UPDATED;
    ev.qr = &qr;
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, host.deliver_event(ev));
    wabot::testing::TestMessage m;  // not subscribed, and Full has no on_message
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_UNSUPPORTED, host.deliver(m));
  }
  void durationsParse() {
    using wabot::config_value::parse_duration_ms;
    CPPUNIT_ASSERT_EQUAL(int64_t(250), parse_duration_ms("250ms").value());
    CPPUNIT_ASSERT_EQUAL(int64_t(30'000), parse_duration_ms("30s").value());
    CPPUNIT_ASSERT_EQUAL(int64_t(600'000), parse_duration_ms("10m").value());
    CPPUNIT_ASSERT_EQUAL(int64_t(7'200'000), parse_duration_ms("2h").value());
    CPPUNIT_ASSERT_EQUAL(int64_t(86'400'000), parse_duration_ms("1d").value());
    CPPUNIT_ASSERT_EQUAL(int64_t(60'000), parse_duration_ms("60").value());
    CPPUNIT_ASSERT(!parse_duration_ms("").has_value());
    CPPUNIT_ASSERT(!parse_duration_ms("-5s").has_value());
    CPPUNIT_ASSERT(!parse_duration_ms("ms").has_value());
    CPPUNIT_ASSERT(!parse_duration_ms("5 weeks").has_value());
    CPPUNIT_ASSERT(!parse_duration_ms("99999999999999999999d").has_value());
    CPPUNIT_ASSERT(!parse_duration_ms("9223372036854775807d").has_value());
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(WrapperTest);
