// SPDX-License-Identifier: GPL-3.0-or-later
// GET /health of the rest_api plugin against the fake host: the exact shape of docs/api.md, 503
// "degraded" when the database is down.
#include "health_response.hpp"
#include "version.hpp"

#include <wabot/testing/fake_host.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <cppunit/extensions/HelperMacros.h>

extern "C" const wabot_plugin_descriptor* wabot_plugin_v1(void);

namespace {

Poco::JSON::Object::Ptr parse(const std::string& body) {
  return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

class RestApiHealthTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RestApiHealthTest);
  CPPUNIT_TEST(descriptorNamesRestApiAndItsVersion);
  CPPUNIT_TEST(healthIsFlatJsonWithComponents);
  CPPUNIT_TEST(databaseDownIs503Degraded);
  CPPUNIT_TEST(exactBodyForAFixedSnapshot);
  CPPUNIT_TEST(timestampsAreIsoUtcWithMilliseconds);
  CPPUNIT_TEST_SUITE_END();

  wabot::testing::FakeHost host_;

 public:
  void setUp() override {
    host_.plugins = {{"rest_api", REST_API_VERSION, WABOT_PLUGIN_STATE_RUNNING},
                     {"metrics", "0.1.0", WABOT_PLUGIN_STATE_FAILED}};
    host_.sessions["a"] = {};
    host_.sessions["b"] = {};
    host_.sessions["b"].connected = true;
    host_.uptime_ms = 12'345;
    CPPUNIT_ASSERT(host_.load(wabot_plugin_v1()).is_ok());
  }
  void tearDown() override { host_.unload(); }

  void descriptorNamesRestApiAndItsVersion() {
    const wabot_plugin_descriptor* d = wabot_plugin_v1();
    CPPUNIT_ASSERT_EQUAL(std::string("rest_api"), std::string(d->name));
    CPPUNIT_ASSERT_EQUAL(std::string("0.2.0"), std::string(d->version));
    CPPUNIT_ASSERT(host_.has_route("GET", "/health"));
    CPPUNIT_ASSERT(host_.logged("rest_api started"));
  }

  void healthIsFlatJsonWithComponents() {
    wabot::testing::HttpCall call;
    call.path = "/health";
    call.trace_id = "trace-health-1";
    auto r = host_.call(call);
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), r.content_type);
    auto json = parse(r.body);
    CPPUNIT_ASSERT(!json->has("data"));  // flat, as the seeds answered
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), json->getValue<std::string>("status"));
    CPPUNIT_ASSERT_EQUAL(12.345, json->getValue<double>("uptime"));
    CPPUNIT_ASSERT_EQUAL(std::string("trace-health-1"), json->getValue<std::string>("traceId"));
    CPPUNIT_ASSERT_EQUAL(size_t(24), json->getValue<std::string>("timestamp").size());
    auto components = json->getObject("components");
    CPPUNIT_ASSERT_EQUAL(std::string("healthy"), components->getValue<std::string>("database"));
    auto whatsapp = components->getObject("whatsapp");
    CPPUNIT_ASSERT_EQUAL(2, whatsapp->getValue<int>("sessions"));
    CPPUNIT_ASSERT_EQUAL(1, whatsapp->getValue<int>("connected"));
    auto plugins = components->getArray("plugins");
    CPPUNIT_ASSERT_EQUAL(size_t(2), plugins->size());
    CPPUNIT_ASSERT_EQUAL(std::string("rest_api"), plugins->getObject(0)->getValue<std::string>("name"));
    CPPUNIT_ASSERT_EQUAL(std::string("0.2.0"), plugins->getObject(0)->getValue<std::string>("version"));
    CPPUNIT_ASSERT_EQUAL(std::string("running"), plugins->getObject(0)->getValue<std::string>("state"));
    CPPUNIT_ASSERT_EQUAL(std::string("failed"), plugins->getObject(1)->getValue<std::string>("state"));
  }

  void databaseDownIs503Degraded() {
    host_.database = WABOT_COMPONENT_DOWN;
    host_.database_detail = "connection refused";
    auto r = host_.get("/health");
    CPPUNIT_ASSERT_EQUAL(503, r.status);
    auto json = parse(r.body);
    CPPUNIT_ASSERT_EQUAL(std::string("degraded"), json->getValue<std::string>("status"));
    CPPUNIT_ASSERT_EQUAL(std::string("down"), json->getObject("components")->getValue<std::string>("database"));
  }

  // Golden body: key order and number formats are part of the contract clients see.
  void exactBodyForAFixedSnapshot() {
    wabot::HealthSnapshot s;
    s.uptime_ms = 61'500;
    s.now_ms = 1'768'473'000'123;  // 2026-01-15T10:30:00.123Z
    s.database = WABOT_COMPONENT_HEALTHY;
    s.sessions = 3;
    s.sessions_connected = 2;
    s.plugins = {{"rest_api", "0.1.0", WABOT_PLUGIN_STATE_RUNNING, 0, 0}};
    auto r = rest_api::HealthResponse::from(s, "t-1");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT_EQUAL(
        std::string(R"({"status":"ok","uptime":61.5,"timestamp":"2026-01-15T10:30:00.123Z","traceId":"t-1",)"
                    R"("components":{"database":"healthy","whatsapp":{"sessions":3,"connected":2},)"
                    R"("plugins":[{"name":"rest_api","version":"0.1.0","state":"running"}]}})"),
        r.body);
  }

  void timestampsAreIsoUtcWithMilliseconds() {
    CPPUNIT_ASSERT_EQUAL(std::string("1970-01-01T00:00:00.000Z"), rest_api::iso8601_utc_ms(0));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-01-15T10:30:00.007Z"), rest_api::iso8601_utc_ms(1'768'473'000'007));
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(RestApiHealthTest);
