// SPDX-License-Identifier: GPL-3.0-or-later
// rest_api.so loaded by the real Host over real HTTP, on SQLite and on PostgreSQL: health, the
// document, the admin token on /sessions*, 404/405/400 envelopes, X-Trace-Id, request log lines
// without tokens. Answers are checked against the OpenAPI document.
#include "host/app/host.hpp"
#include "http_request.hpp"
#include "log_capture.hpp"
#include "openapi_checker.hpp"
#include "test_database.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <cppunit/extensions/HelperMacros.h>

#include <map>

using namespace wabot;

namespace {
using Reply = wabot::test::HttpReply;

Reply request(uint16_t port, const std::string& method, const std::string& path, const std::string& body = "",
              const std::map<std::string, std::string>& headers = {}, const std::string& content_type = "application/json") {
  wabot::test::HttpCall call;
  call.headers = headers;
  call.content_type = content_type;
  return wabot::test::http_request(port, method, path, body, call);
}

std::string code_of(const Reply& r) { return r.error_code(); }
}  // namespace

class HostHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HostHttpTest);
  CPPUNIT_TEST(healthAndDocument);
  CPPUNIT_TEST(adminTokenGuardsSessions);
  CPPUNIT_TEST(agentEndpointsNeedBearer);
  CPPUNIT_TEST(routingAndPayloadErrors);
  CPPUNIT_TEST(requestsAreLoggedWithoutTokens);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

 protected:
  virtual store::test::Backend backend() const = 0;

  std::unique_ptr<store::test::TestDatabase> db_;
  std::unique_ptr<app::Host> host_;
  std::unique_ptr<rest_api_test::OpenApiChecker> checker_;
  std::unique_ptr<LogCapture> logs_;
  uint16_t port_ = 0;

  void expect_schema(const std::string& pattern, const std::string& method, const Reply& r) {
    std::string problem = checker_->check(pattern, method, r.status, r.body);
    CPPUNIT_ASSERT_MESSAGE(pattern + " " + std::to_string(r.status) + ": " + problem + "\n" + r.body, problem.empty());
  }

 public:
  void setUp() override {
    logs_ = std::make_unique<LogCapture>();
    db_ = store::test::TestDatabase::create(backend());
    app::Config c;
    c.http.host = "127.0.0.1";
    c.http.port = 0;
    c.http.admin_token = "admin-secret-token";
    c.database.url = db_->url();
    c.plugins.directory = std::string(std::getenv("WABOT_BINARY_DIR")) + "/plugins";
    c.plugins.plugins.clear();
    c.plugins.plugins.push_back(plugins::PluginSpec{"rest_api", "", true, YAML::Node()});
    host_ = std::make_unique<app::Host>(c, "");
    std::string error = host_->start();
    CPPUNIT_ASSERT_MESSAGE(error, error.empty());
    port_ = host_->http_port();
    Reply doc = request(port_, "GET", "/openapi.json");
    CPPUNIT_ASSERT_EQUAL(200, doc.status);
    checker_ = std::make_unique<rest_api_test::OpenApiChecker>(doc.body);
  }
  void tearDown() override {
    if (host_) host_->stop();
    host_.reset();
    db_.reset();
    logs_.reset();
  }

  void healthAndDocument() {
    Reply h = request(port_, "GET", "/health", "", {{"X-Trace-Id", "trace-abc.1"}});
    CPPUNIT_ASSERT_EQUAL(200, h.status);
    CPPUNIT_ASSERT_EQUAL(std::string("trace-abc.1"), h.trace_id);
    CPPUNIT_ASSERT(h.body.find("\"traceId\":\"trace-abc.1\"") != std::string::npos);
    CPPUNIT_ASSERT(h.body.find("\"database\":\"healthy\"") != std::string::npos);
    expect_schema("/health", "get", h);
    CPPUNIT_ASSERT_EQUAL(std::string(""), checker_->check_refs());
  }
  void adminTokenGuardsSessions() {
    const std::string create = R"({"userId":"u1","agentId":"bot-1","agentName":"Bot"})";
    for (const auto& [method, path, pattern] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"GET", "/sessions", "/sessions"}, {"POST", "/sessions", "/sessions"}, {"GET", "/sessions/bot-1", "/sessions/{agentId}"},
             {"DELETE", "/sessions/bot-1", "/sessions/{agentId}"}, {"POST", "/sessions/bot-1/qr", "/sessions/{agentId}/qr"},
             {"POST", "/sessions/bot-1/reconnect", "/sessions/{agentId}/reconnect"}}) {
      std::string lower = method == "GET" ? "get" : method == "POST" ? "post" : "delete";
      std::string body = path == "/sessions" && method == "POST" ? create : "";
      Reply none = request(port_, method, path, body);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 401, none.status);
      CPPUNIT_ASSERT_EQUAL(std::string("UNAUTHORIZED"), code_of(none));
      expect_schema(pattern, lower, none);
      Reply wrong = request(port_, method, path, body, {{"Authorization", "Bearer admin-secret-tokem"}});
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 401, wrong.status);
      CPPUNIT_ASSERT(wrong.body.find("admin-secret") == std::string::npos);
    }
    // With the token the request reaches the plugin: its own validation answers.
    Reply bad = request(port_, "POST", "/sessions", R"({"userId":"u1","agentId":"bad id","agentName":"Bot"})",
                        {{"Authorization", "Bearer admin-secret-token"}});
    CPPUNIT_ASSERT_EQUAL(400, bad.status);
    CPPUNIT_ASSERT_EQUAL(std::string("INVALID_PAYLOAD"), code_of(bad));
    expect_schema("/sessions", "post", bad);
    Reply limit = request(port_, "GET", "/sessions?limit=9999", "", {{"Authorization", "Bearer admin-secret-token"}});
    CPPUNIT_ASSERT_EQUAL(400, limit.status);
    // The admin token is for /sessions* only: /health and the document stay open.
    CPPUNIT_ASSERT_EQUAL(200, request(port_, "GET", "/health").status);
  }
  void agentEndpointsNeedBearer() {
    for (const char* what : {"messages", "media"}) {
      std::string pattern = std::string("/agents/{agentId}/") + what;
      Reply none = request(port_, "POST", std::string("/agents/bot-1/") + what, R"({"to":"6281234567890","message":"x"})");
      CPPUNIT_ASSERT_EQUAL(401, none.status);
      CPPUNIT_ASSERT_EQUAL(std::string("UNAUTHORIZED"), code_of(none));
      expect_schema(pattern, "post", none);
      // The admin token is not an agent key.
      Reply basic = request(port_, "POST", std::string("/agents/bot-1/") + what, R"({"to":"6281234567890"})",
                            {{"Authorization", "Basic YWRtaW4="}});
      CPPUNIT_ASSERT_EQUAL(401, basic.status);
    }
    Reply bad_id = request(port_, "POST", "/agents/bad$id/messages", R"({"to":"6281234567890","message":"x"})",
                           {{"Authorization", "Bearer k"}});
    CPPUNIT_ASSERT_EQUAL(400, bad_id.status);
  }
  void routingAndPayloadErrors() {
    Reply unknown = request(port_, "GET", "/nope");
    CPPUNIT_ASSERT_EQUAL(404, unknown.status);
    CPPUNIT_ASSERT_EQUAL(std::string("NOT_FOUND"), code_of(unknown));
    Reply method = request(port_, "PUT", "/agents/bot-1/messages", "{}");
    CPPUNIT_ASSERT_EQUAL(405, method.status);
    CPPUNIT_ASSERT_EQUAL(std::string("METHOD_NOT_ALLOWED"), code_of(method));
    CPPUNIT_ASSERT(method.allow.find("POST") != std::string::npos);
    Reply text = request(port_, "POST", "/agents/bot-1/messages", "to=1", {{"Authorization", "Bearer k"}}, "text/plain");
    CPPUNIT_ASSERT_EQUAL(400, text.status);
    CPPUNIT_ASSERT_EQUAL(std::string("INVALID_PAYLOAD"), code_of(text));
    CPPUNIT_ASSERT_EQUAL(32u, static_cast<unsigned>(unknown.trace_id.size()));  // generated when absent
  }
  void requestsAreLoggedWithoutTokens() {
    request(port_, "GET", "/sessions", "", {{"Authorization", "Bearer admin-secret-token"}, {"X-Trace-Id", "trace-log-1"}});
    request(port_, "POST", "/agents/bot-1/messages", R"({"to":"6281234567890","message":"x"})",
            {{"Authorization", "Bearer agent-secret-token"}, {"X-Trace-Id", "trace-log-2"}});
    std::string line = logs_->wait_for([](const std::string& l) {
      return l.find("trace-log-2") != std::string::npos && l.find("/agents/{agentId}/messages") != std::string::npos &&
             l.find("duration_ms") != std::string::npos;
    });
    CPPUNIT_ASSERT_MESSAGE("no request log line for trace-log-2", !line.empty());
    CPPUNIT_ASSERT(line.find("POST") != std::string::npos);
    CPPUNIT_ASSERT(!logs_->wait_for([](const std::string& l) { return l.find("trace-log-1") != std::string::npos; }).empty());
    for (const std::string& l : logs_->lines()) {
      CPPUNIT_ASSERT_MESSAGE(l, l.find("admin-secret-token") == std::string::npos);
      CPPUNIT_ASSERT_MESSAGE(l, l.find("agent-secret-token") == std::string::npos);
    }
  }
};

class SqliteHostHttpTest : public HostHttpTest {
  CPPUNIT_TEST_SUB_SUITE(SqliteHostHttpTest, HostHttpTest);
  CPPUNIT_TEST_SUITE_END();

 protected:
  store::test::Backend backend() const override { return store::test::Backend::sqlite; }
};

class PostgresHostHttpTest : public HostHttpTest {
  CPPUNIT_TEST_SUB_SUITE(PostgresHostHttpTest, HostHttpTest);
  CPPUNIT_TEST_SUITE_END();

 protected:
  store::test::Backend backend() const override { return store::test::Backend::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteHostHttpTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresHostHttpTest);
