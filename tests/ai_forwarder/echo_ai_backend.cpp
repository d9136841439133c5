// SPDX-License-Identifier: GPL-3.0-or-later
// EchoAiBackend on Poco's HTTPServer: one handler that parses the api.md payload and echoes its input.
#include "echo_ai_backend.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <sstream>
#include <thread>

namespace wabot::bench {

namespace {

class EchoHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit EchoHandler(EchoAiBackend& backend) : backend_(backend) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
    std::string body;
    Poco::StreamCopier::copyToString(req.stream(), body, 1 << 20);
    // /agents/{id}/execute
    const std::string& uri = req.getURI();
    std::string agent;
    if (auto a = uri.find("/agents/"); a != std::string::npos) {
      auto start = a + 8;
      agent = uri.substr(start, uri.find('/', start) - start);
    }
    backend_.count_request();
    std::string input;
    try {
      auto obj = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
      input = obj->optValue<std::string>("input", "");
    } catch (const Poco::Exception&) {
      res.setStatus(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
      res.send() << "{\"error\":\"bad json\"}";
      return;
    }
    if (int64_t d = backend_.delay_ms(agent); d > 0) std::this_thread::sleep_for(std::chrono::milliseconds(d));  // the slow agent
    Poco::JSON::Object out;
    out.set("reply", "re: " + input);
    std::ostringstream s;
    out.stringify(s);
    res.setContentType("application/json");
    res.send() << s.str();
  }

 private:
  EchoAiBackend& backend_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(EchoAiBackend& backend) : backend_(backend) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new EchoHandler(backend_);
  }

 private:
  EchoAiBackend& backend_;
};

}  // namespace

EchoAiBackend::EchoAiBackend() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(16);
  params->setKeepAlive(true);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
  server_->start();
}

EchoAiBackend::~EchoAiBackend() { server_->stopAll(true); }

std::string EchoAiBackend::base_url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

void EchoAiBackend::set_delay_ms(const std::string& agent_id, int64_t delay_ms) {
  std::lock_guard lock(mutex_);
  delays_ms_[agent_id] = delay_ms;
}

int64_t EchoAiBackend::delay_ms(const std::string& agent_id) const {
  std::lock_guard lock(mutex_);
  auto it = delays_ms_.find(agent_id);
  return it == delays_ms_.end() ? 0 : it->second;
}

uint64_t EchoAiBackend::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void EchoAiBackend::count_request() {
  std::lock_guard lock(mutex_);
  ++requests_;
}

}  // namespace wabot::bench
