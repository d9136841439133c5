// SPDX-License-Identifier: GPL-3.0-or-later
// TestAiBackend: Poco::Net::HTTPServer with one handler that records and answers by scenario.
#include "test_ai_backend.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace wabot::testing {

struct TestAiBackend::State {
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::map<std::string, AiScenario> scenarios;
  AiScenario fallback;
  std::vector<AiRequestRecord> requests;
  bool stopping = false;
};

namespace {

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string agent_from_uri(const std::string& uri) {
  const std::string prefix = "/agents/";
  size_t p = uri.find(prefix);
  if (p == std::string::npos) return {};
  size_t start = p + prefix.size(), end = uri.find('/', start);
  return uri.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(std::shared_ptr<TestAiBackend::State> s) : state_(std::move(s)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
    AiRequestRecord r;
    r.method = req.getMethod();
    r.uri = req.getURI();
    r.agent_id = agent_from_uri(r.uri);
    r.authorization = req.get("Authorization", "");
    r.trace_id = req.get("X-Trace-Id", "");
    r.content_type = req.getContentType();
    Poco::StreamCopier::copyToString(req.stream(), r.body);
    r.received_at_ms = steady_ms();
    AiScenario s;
    {
      std::unique_lock lock(state_->mutex);
      if (r.agent_id.empty()) {
        // A per-agent endpoint_url_run: any path segment naming an agent with a scenario.
        std::string path = r.uri.substr(0, r.uri.find('?'));
        for (const auto& [agent, scenario] : state_->scenarios)
          if (path.find("/" + agent + "/") != std::string::npos ||
              (path.size() > agent.size() && path.compare(path.size() - agent.size() - 1, std::string::npos, "/" + agent) == 0))
            r.agent_id = agent;
      }
      auto it = state_->scenarios.find(r.agent_id);
      s = it != state_->scenarios.end() ? it->second : state_->fallback;
      state_->requests.push_back(r);
      state_->changed.notify_all();
      if (s.delay_ms > 0)  // the server's behaviour, not synchronisation: ends early when the server stops
        state_->changed.wait_for(lock, std::chrono::milliseconds(s.delay_ms), [&] { return state_->stopping; });
    }
    std::string body, type = "application/json";
    switch (s.kind) {
      case AiScenario::Kind::kStatus500:
        res.setStatus(Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
        body = "{\"error\":\"boom\"}";
        break;
      case AiScenario::Kind::kMalformedJson: body = "{\"reply\": \"unterminated"; break;
      case AiScenario::Kind::kPlainString: type = "text/plain"; body = s.text; break;
      case AiScenario::Kind::kDataField: body = "{\"data\":{\"" + s.field + "\":\"" + escape(s.text) + "\"}}"; break;
      case AiScenario::Kind::kEmptyObject: body = "{\"status\":\"ok\"}"; break;
      case AiScenario::Kind::kJsonField:
      case AiScenario::Kind::kUnset: body = "{\"" + s.field + "\":\"" + escape(s.text) + "\"}"; break;
    }
    res.setContentType(type);
    res.setContentLength(static_cast<std::streamsize>(body.size()));
    try {
      res.send() << body;
    } catch (...) {
      // The client gave up (timeout): nothing to answer to.
    }
  }

 private:
  std::shared_ptr<TestAiBackend::State> state_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::shared_ptr<TestAiBackend::State> s) : state_(std::move(s)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Handler(state_); }

 private:
  std::shared_ptr<TestAiBackend::State> state_;
};

}  // namespace

struct TestAiBackend::Server {
  Poco::Net::ServerSocket socket;
  std::unique_ptr<Poco::Net::HTTPServer> http;
};

TestAiBackend::TestAiBackend() : state_(std::make_shared<State>()), server_(std::make_unique<Server>()) {
  server_->socket.bind(Poco::Net::SocketAddress("127.0.0.1", 0), true);
  server_->socket.listen(64);
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(16);
  params->setKeepAlive(false);
  server_->http = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), server_->socket, params);
  server_->http->start();
}

TestAiBackend::~TestAiBackend() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->changed.notify_all();
  server_->http->stopAll(true);
}

uint16_t TestAiBackend::port() const { return server_->socket.address().port(); }
std::string TestAiBackend::base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }

void TestAiBackend::set_scenario(const std::string& agent_id, AiScenario s) {
  std::lock_guard lock(state_->mutex);
  state_->scenarios[agent_id] = std::move(s);
}
void TestAiBackend::set_default(AiScenario s) {
  std::lock_guard lock(state_->mutex);
  state_->fallback = std::move(s);
}

std::vector<AiRequestRecord> TestAiBackend::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

bool TestAiBackend::wait_for_requests(size_t n, int64_t timeout_ms) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return state_->requests.size() >= n; });
}

}  // namespace wabot::testing
