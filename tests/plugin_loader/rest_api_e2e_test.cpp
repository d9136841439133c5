// SPDX-License-Identifier: GPL-3.0-or-later
// End to end: the real rest_api.so loaded by the PluginManager, its route in the host's real Router
// behind the real HttpServer, and GET /health over a loopback socket.
#include "in_memory_backends.hpp"
#include "log_capture.hpp"

#include "host/http/http_server.hpp"
#include "host/http/router.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/router_registry.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <memory>
#include <sstream>

using namespace wabot::plugins;
using namespace wabot::plugins::testing;

namespace {

struct Reply {
  int status = 0;
  std::string trace_id, content_type, body;
};

Reply get(uint16_t port, const std::string& path, const std::string& trace_id) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("X-Trace-Id", trace_id);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply r;
  r.status = response.getStatus();
  r.trace_id = response.get("X-Trace-Id", "");
  r.content_type = response.getContentType();
  std::ostringstream body;
  Poco::StreamCopier::copyStream(in, body);
  r.body = body.str();
  return r;
}

}  // namespace

class RestApiEndToEndTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RestApiEndToEndTest);
  CPPUNIT_TEST(healthThroughTheRealRouterAndServer);
  CPPUNIT_TEST_SUITE_END();

 public:
  void healthThroughTheRealRouterAndServer() {
    LogCapture logs;
    auto router = std::make_shared<wabot::http::Router>();
    RouterRegistry registry(*router);
    FixedHealth health;
    health.counts = {4, 3};
    HostBackends backends;
    backends.routes = &registry;
    backends.health = &health;
    backends.host_version = "0.1.0";
    PluginsConfig config;
    const char* dir = std::getenv("WABOT_PLUGIN_OUTPUT_DIR");
    config.directory = dir ? dir : "plugins";
    PluginSpec rest_api;
    rest_api.name = "rest_api";
    config.plugins = {rest_api};

    wabot::http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    wabot::http::HttpServer server(options, router);
    CPPUNIT_ASSERT_EQUAL(std::string(), server.start());
    {
      PluginManager manager(config, backends);
      CPPUNIT_ASSERT_EQUAL(size_t(1), manager.load_all());
      manager.start_all();

      Reply r = get(server.port(), "/health", "e2e-trace-1");
      CPPUNIT_ASSERT_EQUAL(200, r.status);
      CPPUNIT_ASSERT_EQUAL(std::string("e2e-trace-1"), r.trace_id);
      CPPUNIT_ASSERT(r.content_type.find("application/json") == 0);
      auto json = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
      CPPUNIT_ASSERT_EQUAL(std::string("ok"), json->getValue<std::string>("status"));
      CPPUNIT_ASSERT_EQUAL(std::string("e2e-trace-1"), json->getValue<std::string>("traceId"));
      auto components = json->getObject("components");
      CPPUNIT_ASSERT_EQUAL(std::string("healthy"), components->getValue<std::string>("database"));
      CPPUNIT_ASSERT_EQUAL(4, components->getObject("whatsapp")->getValue<int>("sessions"));
      CPPUNIT_ASSERT_EQUAL(3, components->getObject("whatsapp")->getValue<int>("connected"));
      auto plugins = components->getArray("plugins");
      CPPUNIT_ASSERT_EQUAL(size_t(1), plugins->size());
      CPPUNIT_ASSERT_EQUAL(std::string("rest_api"), plugins->getObject(0)->getValue<std::string>("name"));
      CPPUNIT_ASSERT_EQUAL(std::string("running"), plugins->getObject(0)->getValue<std::string>("state"));

      health.db = {WABOT_COMPONENT_DOWN, "database unreachable"};
      r = get(server.port(), "/health", "e2e-trace-2");
      CPPUNIT_ASSERT_EQUAL(503, r.status);
      CPPUNIT_ASSERT(r.body.find(R"("status":"degraded")") != std::string::npos);

      manager.stop_all();
      // Stopped plugins answer 503 through the real server, not a crash.
      CPPUNIT_ASSERT_EQUAL(503, get(server.port(), "/health", "e2e-trace-3").status);
    }
    server.stop();
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(RestApiEndToEndTest);
