// SPDX-License-Identifier: GPL-3.0-or-later
// HttpServer over real loopback HTTP: trace ids, error envelopes, body limits, content type,
// throwing handlers, CORS, the per-IP limit, the admin token and the request log line.
#include "host/http/http_server.hpp"
#include "host/http/trace_id.hpp"
#include "log_capture.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <stdexcept>
#include <thread>

using namespace wabot::http;

namespace {

struct Reply {
  int status = 0;
  std::string body;
  Poco::Net::HTTPResponse headers;
};

Reply send(std::uint16_t port, const std::string& method, const std::string& uri, const std::string& body = "",
           std::vector<std::pair<std::string, std::string>> headers = {}) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
  for (auto& [k, v] : headers) request.set(k, v);
  if (!body.empty()) request.setContentLength(static_cast<std::streamsize>(body.size()));
  std::ostream& out = session.sendRequest(request);
  out << body;
  Reply reply;
  std::istream& in = session.receiveResponse(reply.headers);
  Poco::StreamCopier::copyToString(in, reply.body);
  reply.status = reply.headers.getStatus();
  return reply;
}

// Sends raw bytes and reads until the server closes the connection: for requests Poco's client
// would not produce (huge Content-Length without a body, hand-made chunked bodies).
std::string send_raw(std::uint16_t port, const std::string& bytes) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(10, 0));
  socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string response;
  char buffer[4096];
  while (true) {
    int n = socket.receiveBytes(buffer, sizeof buffer);
    if (n <= 0) break;
    response.append(buffer, static_cast<std::size_t>(n));
  }
  return response;
}

std::string chunked(const std::string& payload, std::size_t chunk_bytes) {
  std::string out;
  char size[32];
  for (std::size_t i = 0; i < payload.size(); i += chunk_bytes) {
    std::string piece = payload.substr(i, chunk_bytes);
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    out += size + piece + "\r\n";
  }
  return out + "0\r\n\r\n";
}

}  // namespace

class HttpServerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpServerTest);
  CPPUNIT_TEST(own_trace_id_is_honoured_and_scoped);
  CPPUNIT_TEST(missing_trace_id_is_generated);
  CPPUNIT_TEST(malformed_trace_id_is_replaced);
  CPPUNIT_TEST(unknown_route_is_404_envelope);
  CPPUNIT_TEST(wrong_method_is_405_with_allow_header);
  CPPUNIT_TEST(request_fields_reach_the_handler);
  CPPUNIT_TEST(oversized_content_length_is_413_without_reading);
  CPPUNIT_TEST(oversized_chunked_body_is_413);
  CPPUNIT_TEST(chunked_body_within_limit_is_delivered);
  CPPUNIT_TEST(non_json_post_body_is_400);
  CPPUNIT_TEST(throwing_handler_is_500_without_details);
  CPPUNIT_TEST(cors_preflight_and_headers_for_allowed_origins_only);
  CPPUNIT_TEST(ip_rate_limit_answers_429_and_honours_whitelist);
  CPPUNIT_TEST(admin_token_guards_admin_paths);
  CPPUNIT_TEST(every_request_is_logged_without_secrets);
  CPPUNIT_TEST(malformed_uri_is_400);
  CPPUNIT_TEST(handler_cannot_set_framing_or_split_headers);
  CPPUNIT_TEST(concurrent_clients_are_all_served);
  CPPUNIT_TEST(ipv4_clients_of_a_dual_stack_listener_have_ipv4_addresses);
  CPPUNIT_TEST(busy_port_is_an_error_value);
  CPPUNIT_TEST(stop_closes_the_port);
  CPPUNIT_TEST_SUITE_END();

  std::shared_ptr<Router> router_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  std::atomic<int> calls_{0};

  void start(ServerOptions options = {}) {
    if (server_) server_->stop();
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 4;
    server_ = std::make_unique<HttpServer>(options, router_);
    std::string error = server_->start();
    CPPUNIT_ASSERT_MESSAGE(error, error.empty());
    port_ = server_->port();
    CPPUNIT_ASSERT(port_ != 0);
  }

 public:
  void setUp() override {
    calls_ = 0;
    router_ = std::make_shared<Router>();
    router_->add("GET", "/ping", [this](const Request&, Response& res) { ++calls_; res.body = "{\"pong\":true}"; }, "test");
    router_->add("POST", "/echo", [this](const Request& req, Response& res) { ++calls_; res.body = req.body; }, "test");
    router_->add("GET", "/trace", [](const Request& req, Response& res) {
      res.body = req.trace_id + "|" + wabot::log::current().trace_id;
    }, "test");
    router_->add("GET", "/boom", [](const Request&, Response&) { throw std::runtime_error("db password is hunter2"); }, "test");
    router_->add("GET", "/sessions/{agentId}", [](const Request& req, Response& res) {
      res.body = "{\"agent\":\"" + req.path_params.at("agentId") + "\"}";
    }, "test");
    router_->add("GET", "/headers", [](const Request&, Response& res) {
      res.headers.push_back({"Content-Length", "999"});
      res.headers.push_back({"X-Evil", "a\r\nSet-Cookie: x=1"});
      res.headers.push_back({"X-Fine", "ok"});
      res.body = "{}";
    }, "test");
    router_->add("GET", "/fields/{id}", [](const Request& req, Response& res) {
      res.status = 201;
      res.content_type = "text/plain";
      res.headers.push_back({"X-Extra", "1"});
      res.body = req.method + "|" + req.path + "|" + req.route + "|" + req.path_params.at("id") + "|" + req.query +
                 "|" + req.query_params.at("q") + "|" + req.headers.at("x-custom") + "|" + req.client_ip;
    }, "test");
  }
  void tearDown() override {
    if (server_) server_->stop();
    server_.reset();
  }

  void own_trace_id_is_honoured_and_scoped() {
    start();
    Reply r = send(port_, "GET", "/trace", "", {{"X-Trace-Id", "req-42.abc_DEF"}});
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("req-42.abc_DEF"), r.headers.get("X-Trace-Id"));
    CPPUNIT_ASSERT_EQUAL(std::string("req-42.abc_DEF|req-42.abc_DEF"), r.body);  // the handler runs in its log scope
    std::string longest(128, 'a');
    CPPUNIT_ASSERT_EQUAL(longest, send(port_, "GET", "/ping", "", {{"X-Trace-Id", longest}}).headers.get("X-Trace-Id"));
  }

  void missing_trace_id_is_generated() {
    start();
    Reply a = send(port_, "GET", "/ping");
    Reply b = send(port_, "GET", "/nope");
    std::string id = a.headers.get("X-Trace-Id", "");
    CPPUNIT_ASSERT_EQUAL(std::size_t{32}, id.size());
    CPPUNIT_ASSERT(is_valid_trace_id(id));
    CPPUNIT_ASSERT(b.headers.get("X-Trace-Id", "") != id);
    CPPUNIT_ASSERT(b.body.find("\"traceId\":\"" + b.headers.get("X-Trace-Id") + "\"") != std::string::npos);
  }

  void malformed_trace_id_is_replaced() {
    start();
    for (std::string bad : {std::string("has space"), std::string("semi;colon"), std::string(129, 'a'),
                            std::string("<script>")}) {
      Reply r = send(port_, "GET", "/trace", "", {{"X-Trace-Id", bad}});
      std::string id = r.headers.get("X-Trace-Id", "");
      CPPUNIT_ASSERT(id != bad);
      CPPUNIT_ASSERT(is_valid_trace_id(id));
      CPPUNIT_ASSERT_EQUAL(id + "|" + id, r.body);
    }
  }

  void unknown_route_is_404_envelope() {
    start();
    Reply r = send(port_, "GET", "/nope?x=1", "", {{"X-Trace-Id", "t-404"}});
    CPPUNIT_ASSERT_EQUAL(404, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), r.headers.getContentType());
    CPPUNIT_ASSERT_EQUAL(std::string("{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no route for GET /nope\",\"traceId\":\"t-404\"}}"),
                         r.body);
  }

  void wrong_method_is_405_with_allow_header() {
    start();
    Reply r = send(port_, "DELETE", "/ping", "", {{"X-Trace-Id", "t-405"}});
    CPPUNIT_ASSERT_EQUAL(405, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), r.headers.get("Allow"));
    CPPUNIT_ASSERT(r.body.rfind("{\"error\":{\"code\":\"METHOD_NOT_ALLOWED\",", 0) == 0);
    CPPUNIT_ASSERT(r.body.find("\"traceId\":\"t-405\"") != std::string::npos);
  }

  void request_fields_reach_the_handler() {
    start();
    Reply r = send(port_, "GET", "/fields/a%20b?q=hello%20world&z=1", "", {{"X-Custom", "v"}});
    CPPUNIT_ASSERT_EQUAL(201, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("text/plain"), r.headers.getContentType());
    CPPUNIT_ASSERT_EQUAL(std::string("1"), r.headers.get("X-Extra"));
    CPPUNIT_ASSERT_EQUAL(std::string("GET|/fields/a b|/fields/{id}|a b|q=hello%20world&z=1|hello world|v|127.0.0.1"), r.body);
  }

  void oversized_content_length_is_413_without_reading() {
    ServerOptions o;
    o.max_body_bytes = 1024;
    start(o);
    // announces 1 GB and sends none of it: the answer must come from the header alone
    std::string response = send_raw(port_, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                           "X-Trace-Id: t-413\r\nContent-Length: 1000000000\r\n\r\n");
    CPPUNIT_ASSERT_MESSAGE(response, response.rfind("HTTP/1.1 413", 0) == 0);
    CPPUNIT_ASSERT(response.find("\"code\":\"PAYLOAD_TOO_LARGE\"") != std::string::npos);
    CPPUNIT_ASSERT(response.find("X-Trace-Id: t-413") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(0, calls_.load());
    // exactly at the limit is fine
    Reply ok = send(port_, "POST", "/echo", std::string(1024, 'x'), {{"Content-Type", "application/json"}});
    CPPUNIT_ASSERT_EQUAL(200, ok.status);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1024}, ok.body.size());
  }

  void oversized_chunked_body_is_413() {
    ServerOptions o;
    o.max_body_bytes = 1024;
    start(o);
    std::string response = send_raw(port_, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                           "Transfer-Encoding: chunked\r\n\r\n" + chunked(std::string(4096, 'y'), 500));
    CPPUNIT_ASSERT_MESSAGE(response, response.rfind("HTTP/1.1 413", 0) == 0);
    CPPUNIT_ASSERT(response.find("\"code\":\"PAYLOAD_TOO_LARGE\"") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(0, calls_.load());
  }

  void chunked_body_within_limit_is_delivered() {
    ServerOptions o;
    o.max_body_bytes = 1024;
    start(o);
    std::string payload = "{\"text\":\"" + std::string(900, 'z') + "\"}";
    std::string response = send_raw(port_, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                           "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(payload, 100));
    CPPUNIT_ASSERT_MESSAGE(response, response.rfind("HTTP/1.1 200", 0) == 0);
    CPPUNIT_ASSERT(response.size() > payload.size() &&
                   response.compare(response.size() - payload.size(), payload.size(), payload) == 0);
  }

  void non_json_post_body_is_400() {
    start();
    Reply r = send(port_, "POST", "/echo", "hello", {{"Content-Type", "text/plain"}});
    CPPUNIT_ASSERT_EQUAL(400, r.status);
    CPPUNIT_ASSERT(r.body.find("\"code\":\"INVALID_PAYLOAD\"") != std::string::npos);
    Reply none = send(port_, "POST", "/echo", "{}");  // no Content-Type at all
    CPPUNIT_ASSERT_EQUAL(400, none.status);
    CPPUNIT_ASSERT_EQUAL(0, calls_.load());
    Reply charset = send(port_, "POST", "/echo", "{\"a\":1}", {{"Content-Type", "Application/JSON; charset=utf-8"}});
    CPPUNIT_ASSERT_EQUAL(200, charset.status);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":1}"), charset.body);
    Reply empty = send(port_, "POST", "/echo");  // no body: no content type needed
    CPPUNIT_ASSERT_EQUAL(200, empty.status);
  }

  void throwing_handler_is_500_without_details() {
    LogCapture logs;
    start();
    Reply r = send(port_, "GET", "/boom", "", {{"X-Trace-Id", "t-500"}});
    CPPUNIT_ASSERT_EQUAL(500, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"error\":{\"code\":\"INTERNAL_ERROR\",\"message\":\"the request handler failed\",\"traceId\":\"t-500\"}}"),
                         r.body);
    CPPUNIT_ASSERT(!logs.wait_for([](const std::string& l) { return l.find("route handler threw") != std::string::npos; }).empty());
    // the server keeps serving
    CPPUNIT_ASSERT_EQUAL(200, send(port_, "GET", "/ping").status);
  }

  void cors_preflight_and_headers_for_allowed_origins_only() {
    ServerOptions o;
    o.cors_origins = {"https://app.example"};
    start(o);
    Reply pre = send(port_, "OPTIONS", "/echo", "",
                     {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "POST"}});
    CPPUNIT_ASSERT_EQUAL(204, pre.status);
    CPPUNIT_ASSERT_EQUAL(std::string("https://app.example"), pre.headers.get("Access-Control-Allow-Origin"));
    CPPUNIT_ASSERT(pre.headers.get("Access-Control-Allow-Methods").find("POST") != std::string::npos);
    CPPUNIT_ASSERT(pre.headers.get("Access-Control-Allow-Headers").find("Authorization") != std::string::npos);
    CPPUNIT_ASSERT(pre.headers.has("X-Trace-Id"));

    Reply foreign = send(port_, "OPTIONS", "/echo", "",
                         {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
    CPPUNIT_ASSERT_EQUAL(204, foreign.status);
    CPPUNIT_ASSERT(!foreign.headers.has("Access-Control-Allow-Origin"));

    Reply get = send(port_, "GET", "/ping", "", {{"Origin", "https://app.example"}});
    CPPUNIT_ASSERT_EQUAL(200, get.status);
    CPPUNIT_ASSERT_EQUAL(std::string("https://app.example"), get.headers.get("Access-Control-Allow-Origin"));
    CPPUNIT_ASSERT_EQUAL(std::string("Origin"), get.headers.get("Vary"));
    CPPUNIT_ASSERT_EQUAL(std::string("X-Trace-Id"), get.headers.get("Access-Control-Expose-Headers"));
    CPPUNIT_ASSERT(!send(port_, "GET", "/ping", "", {{"Origin", "https://evil.example"}}).headers.has("Access-Control-Allow-Origin"));

    // CORS off: no preflight handling, OPTIONS is just an unserved method
    start();
    Reply off = send(port_, "OPTIONS", "/echo", "",
                     {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "POST"}});
    CPPUNIT_ASSERT_EQUAL(405, off.status);
    CPPUNIT_ASSERT(!off.headers.has("Access-Control-Allow-Origin"));
  }

  void ip_rate_limit_answers_429_and_honours_whitelist() {
    ServerOptions o;
    o.ip_rate_limit_enabled = true;
    o.ip_rate_limit_per_minute = 3;
    start(o);
    for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(200, send(port_, "GET", "/ping").status);
    Reply limited = send(port_, "GET", "/ping");
    CPPUNIT_ASSERT_EQUAL(429, limited.status);
    CPPUNIT_ASSERT(limited.body.find("\"code\":\"RATE_LIMITED\"") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("20"), limited.headers.get("Retry-After"));
    CPPUNIT_ASSERT_EQUAL(3, calls_.load());

    o.ip_rate_limit_whitelist = {"127.0.0.1"};
    start(o);
    for (int i = 0; i < 10; ++i) CPPUNIT_ASSERT_EQUAL(200, send(port_, "GET", "/ping").status);
  }

  void admin_token_guards_admin_paths() {
    ServerOptions o;
    o.admin_token = "admin-s3cret";
    o.admin_path_prefixes = {"/sessions"};
    start(o);
    Reply none = send(port_, "GET", "/sessions/bot-1");
    CPPUNIT_ASSERT_EQUAL(401, none.status);
    CPPUNIT_ASSERT(none.body.find("\"code\":\"UNAUTHORIZED\"") != std::string::npos);
    CPPUNIT_ASSERT(none.body.find("admin-s3cret") == std::string::npos);
    CPPUNIT_ASSERT_EQUAL(401, send(port_, "GET", "/sessions/bot-1", "", {{"Authorization", "Bearer wrong"}}).status);
    CPPUNIT_ASSERT_EQUAL(401, send(port_, "GET", "/sessions/bot-1", "", {{"Authorization", "Bearer admin-s3cre"}}).status);
    Reply ok = send(port_, "GET", "/sessions/bot-1", "", {{"Authorization", "Bearer admin-s3cret"}});
    CPPUNIT_ASSERT_EQUAL(200, ok.status);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"agent\":\"bot-1\"}"), ok.body);
    CPPUNIT_ASSERT_EQUAL(200, send(port_, "GET", "/ping").status);  // not an admin path
  }

  void every_request_is_logged_without_secrets() {
    LogCapture logs;
    start();
    send(port_, "GET", "/sessions/bot-9?token=query-secret", "",
         {{"X-Trace-Id", "t-log"}, {"Authorization", "Bearer agent-secret-token"}});
    std::string line = logs.wait_for([](const std::string& l) {
      return l.find("\"message\":\"http request\"") != std::string::npos && l.find("t-log") != std::string::npos;
    });
    CPPUNIT_ASSERT_MESSAGE("no request log line", !line.empty());
    CPPUNIT_ASSERT(line.find("\"traceId\":\"t-log\"") != std::string::npos);
    CPPUNIT_ASSERT(line.find("\"method\":\"GET\"") != std::string::npos);
    CPPUNIT_ASSERT(line.find("\"route\":\"/sessions/{agentId}\"") != std::string::npos);
    CPPUNIT_ASSERT(line.find("\"status\":\"200\"") != std::string::npos);
    CPPUNIT_ASSERT(line.find("\"duration_ms\":\"") != std::string::npos);
    for (const auto& l : logs.lines()) {
      CPPUNIT_ASSERT_MESSAGE(l, l.find("agent-secret-token") == std::string::npos);
      CPPUNIT_ASSERT_MESSAGE(l, l.find("query-secret") == std::string::npos);
    }
  }

  void malformed_uri_is_400() {
    start();
    std::string response = send_raw(port_, "GET /bad%zzpath HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CPPUNIT_ASSERT_MESSAGE(response, response.rfind("HTTP/1.1 400", 0) == 0);
    CPPUNIT_ASSERT(response.find("\"code\":\"INVALID_PAYLOAD\"") != std::string::npos);
  }

  void handler_cannot_set_framing_or_split_headers() {
    start();
    Reply r = send(port_, "GET", "/headers");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), r.body);
    CPPUNIT_ASSERT_EQUAL(std::string("2"), r.headers.get("Content-Length"));
    CPPUNIT_ASSERT(!r.headers.has("X-Evil"));
    CPPUNIT_ASSERT(!r.headers.has("Set-Cookie"));
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), r.headers.get("X-Fine"));
  }

  void ipv4_clients_of_a_dual_stack_listener_have_ipv4_addresses() {
    ServerOptions o;
    o.host = "::";
    o.port = 0;
    o.ip_rate_limit_enabled = true;
    o.ip_rate_limit_per_minute = 1;
    o.ip_rate_limit_whitelist = {"127.0.0.1"};
    HttpServer dual(o, router_);
    std::string error = dual.start();
    if (!error.empty()) return;  // no IPv6 on this machine: nothing to prove
    for (int i = 0; i < 3; ++i) {  // whitelisted as 127.0.0.1, so never limited
      Reply r = send(dual.port(), "GET", "/fields/x?q=1", "", {{"X-Custom", "v"}});
      CPPUNIT_ASSERT_EQUAL(201, r.status);
      CPPUNIT_ASSERT_MESSAGE(r.body, r.body.size() > 10 && r.body.compare(r.body.size() - 10, 10, "|127.0.0.1") == 0);
    }
    dual.stop();
  }

  void concurrent_clients_are_all_served() {
    start();  // 4 worker threads, 16 clients: the rest queue, none is refused
    constexpr int kClients = 16, kRequests = 25;
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
      clients.emplace_back([this, &ok, c] {
        for (int i = 0; i < kRequests; ++i) {
          std::string id = "c" + std::to_string(c) + "-" + std::to_string(i);
          Reply r = send(port_, "GET", "/trace", "", {{"X-Trace-Id", id}});
          if (r.status == 200 && r.body == id + "|" + id) ++ok;
        }
      });
    for (auto& t : clients) t.join();
    CPPUNIT_ASSERT_EQUAL(kClients * kRequests, ok.load());
  }

  void busy_port_is_an_error_value() {
    start();
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = port_;
    HttpServer second(o, router_);
    std::string error = second.start();
    CPPUNIT_ASSERT_MESSAGE(error, error.rfind("failed to listen on 127.0.0.1:" + std::to_string(port_) + ": ", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t{0}, second.port());
  }

  void stop_closes_the_port() {
    start();
    CPPUNIT_ASSERT_EQUAL(200, send(port_, "GET", "/ping").status);
    server_->stop();
    CPPUNIT_ASSERT_EQUAL(std::uint16_t{0}, server_->port());
    bool refused = false;
    try {
      Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port_));
    } catch (const Poco::Exception&) {
      refused = true;
    }
    CPPUNIT_ASSERT(refused);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpServerTest);
