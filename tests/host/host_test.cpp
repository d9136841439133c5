// SPDX-License-Identifier: GPL-3.0-or-later
// Host in-process: the start order (store, then HTTP), routes added after start are served, stop
// in reverse order, and a failing component unwinds the ones before it.
#include "host/app/host.hpp"
#include "log_capture.hpp"

#include <Poco/File.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>

using namespace wabot;

namespace {

app::Config test_config(const std::string& db_path) {
  app::Config c;
  c.http.host = "127.0.0.1";
  c.http.port = 0;  // ephemeral; the validated config never allows 0, tests may
  c.database.url = "sqlite://" + db_path;
  c.plugins.plugins.clear();
  return c;
}

int get_status(std::uint16_t port, const std::string& path, std::string* body = nullptr) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest request("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string text;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), text);
  if (body) *body = text;
  return response.getStatus();
}

std::size_t position(const std::vector<std::string>& lines, const std::string& needle) {
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].find(needle) != std::string::npos) return i;
  return std::string::npos;
}

}  // namespace

class HostTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HostTest);
  CPPUNIT_TEST(server_options_follow_the_config);
  CPPUNIT_TEST(starts_store_then_http_and_serves_routes_added_later);
  CPPUNIT_TEST(stops_in_reverse_order);
  CPPUNIT_TEST(failing_store_stops_the_start_before_http);
  CPPUNIT_TEST(default_plugin_directory_is_beside_the_executable);
  CPPUNIT_TEST(health_reports_the_database_state);
  CPPUNIT_TEST(plugins_start_after_http_and_add_their_routes);
  CPPUNIT_TEST_SUITE_END();

  std::string db_;

 public:
  void setUp() override {
    db_ = Poco::TemporaryFile::tempName() + ".db";
    Poco::TemporaryFile::registerForDeletion(db_);
  }

  void server_options_follow_the_config() {
    app::Config c;
    c.http.admin_token = "t";
    c.http.max_body_bytes = 77;
    c.http.cors_origins = {"https://a.example"};
    c.http.ip_rate_limit.enabled = true;
    c.http.ip_rate_limit.whitelist = {"10.0.0.1"};
    c.http.request_timeout_ms = 5000;
    auto o = app::server_options(c);
    CPPUNIT_ASSERT_EQUAL(std::string("t"), o.admin_token);
    CPPUNIT_ASSERT(o.admin_path_prefixes == std::vector<std::string>{"/sessions"});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{77}, o.max_body_bytes);
    CPPUNIT_ASSERT(o.cors_origins == c.http.cors_origins);
    CPPUNIT_ASSERT(o.ip_rate_limit_enabled);
    CPPUNIT_ASSERT(o.ip_rate_limit_whitelist == c.http.ip_rate_limit.whitelist);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{5000}, o.request_timeout_ms);
    CPPUNIT_ASSERT_EQUAL(128, o.threads);
  }

  void starts_store_then_http_and_serves_routes_added_later() {
    app::Host host(test_config(db_), "");
    std::string error = host.start();
    CPPUNIT_ASSERT_MESSAGE(error, error.empty());
    CPPUNIT_ASSERT(host.database() != nullptr);
    CPPUNIT_ASSERT(host.database()->healthy().ok());
    CPPUNIT_ASSERT(Poco::File(db_).exists());
    std::uint16_t port = host.http_port();
    CPPUNIT_ASSERT(port != 0);
    CPPUNIT_ASSERT_EQUAL(404, get_status(port, "/late"));
    host.router()->add("GET", "/late", [](const http::Request&, http::Response& res) { res.body = "{\"late\":true}"; },
                       "test");
    std::string body;
    CPPUNIT_ASSERT_EQUAL(200, get_status(port, "/late", &body));
    CPPUNIT_ASSERT_EQUAL(std::string("{\"late\":true}"), body);
    host.stop();
    CPPUNIT_ASSERT(host.database() == nullptr);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t{0}, host.http_port());
  }

  void stops_in_reverse_order() {
    LogCapture logs;
    {
      app::Host host(test_config(db_), "");
      CPPUNIT_ASSERT(host.start().empty());
    }  // the destructor stops
    auto lines = logs.lines();
    std::size_t store_started = position(lines, "\"message\":\"component started\",\"component\":\"store\"");
    std::size_t http_started = position(lines, "\"message\":\"component started\",\"component\":\"http\"");
    std::size_t http_stopped = position(lines, "\"message\":\"component stopped\",\"component\":\"http\"");
    std::size_t store_stopped = position(lines, "\"message\":\"component stopped\",\"component\":\"store\"");
    CPPUNIT_ASSERT(store_started < http_started);
    CPPUNIT_ASSERT(http_started < http_stopped);
    CPPUNIT_ASSERT(http_stopped < store_stopped);
    CPPUNIT_ASSERT(store_stopped != std::string::npos);
  }

  void failing_store_stops_the_start_before_http() {
    LogCapture logs;
    app::Host host(test_config("/proc/wabot-no-such-dir/x.db"), "");
    std::string error = host.start();
    CPPUNIT_ASSERT_MESSAGE(error, error.rfind("failed to start store: ", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t{0}, host.http_port());
    CPPUNIT_ASSERT_EQUAL(std::string::npos, position(logs.lines(), "http server listening"));
  }

  void health_reports_the_database_state() {
    app::HostHealth health;
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(WABOT_COMPONENT_DOWN), static_cast<int>(health.database().state));
    auto opened = store::Database::open("sqlite://" + db_);
    CPPUNIT_ASSERT(opened.ok());
    health.set_database(std::move(opened.value()));
    auto db = health.database();
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(WABOT_COMPONENT_HEALTHY), static_cast<int>(db.state));
    CPPUNIT_ASSERT(db.detail.empty());
    health.set_database(nullptr);
    CPPUNIT_ASSERT_EQUAL(std::string("database is not open"), health.database().detail);
  }

  void plugins_start_after_http_and_add_their_routes() {
    app::Config c = test_config(db_);
    c.plugins.directory = std::string(std::getenv("WABOT_BINARY_DIR")) + "/plugins";
    c.plugins.plugins.push_back(plugins::PluginSpec{"rest_api", "", true, YAML::Node()});
    c.plugins.plugins.push_back(plugins::PluginSpec{"not_built_anywhere", "", true, YAML::Node()});
    app::Host host(c, "");
    std::string error = host.start();
    CPPUNIT_ASSERT_MESSAGE(error, error.empty());  // a refused plugin does not stop the host
    CPPUNIT_ASSERT(host.plugin_manager() != nullptr);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, host.plugin_manager()->plugins().size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, host.plugin_manager()->refusals().size());
    std::string body;
    CPPUNIT_ASSERT_EQUAL(200, get_status(host.http_port(), "/health", &body));
    CPPUNIT_ASSERT_MESSAGE(body, body.find("\"database\":\"healthy\"") != std::string::npos);
    host.stop();
  }

  void default_plugin_directory_is_beside_the_executable() {
    app::Host host(test_config(db_), "/opt/wabot/bin/wabot");
    CPPUNIT_ASSERT_EQUAL(std::string("/opt/wabot/plugins"), host.config().plugins.directory);
    app::Config c = test_config(db_);
    c.plugins.directory = "/srv/plugins";
    app::Host explicit_dir(c, "/opt/wabot/bin/wabot");
    CPPUNIT_ASSERT_EQUAL(std::string("/srv/plugins"), explicit_dir.config().plugins.directory);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HostTest);
