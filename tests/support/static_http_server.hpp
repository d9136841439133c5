// SPDX-License-Identifier: GPL-3.0-or-later
// StaticHttpServer: a loopback HTTP server (Poco) answering HEAD/GET for fixed paths with fixed bytes
// and headers (media a test wants fetched by URL); anything else is 404. Test double: tests/ only.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

namespace wabot::test {

struct StaticResource {
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> headers;  // e.g. Content-Disposition
};

class StaticHttpServer {
 public:
  // The resources are fixed before the server starts, so handlers read them without locking.
  explicit StaticHttpServer(std::map<std::string, StaticResource> resources) : resources_(std::move(resources)) {
    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(4);
    server_ = std::make_unique<Poco::Net::HTTPServer>(
        new Factory(this), Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0)), params);
    server_->start();
  }
  ~StaticHttpServer() { server_->stopAll(true); }
  StaticHttpServer(const StaticHttpServer&) = delete;
  StaticHttpServer& operator=(const StaticHttpServer&) = delete;

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(server_->port()) + path; }
  int gets() const { return gets_; }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(StaticHttpServer* s) : s_(s) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
      const bool head = req.getMethod() == "HEAD";
      if (!head) ++s_->gets_;
      auto it = s_->resources_.find(req.getURI());
      if (it == s_->resources_.end() || (!head && req.getMethod() != "GET")) {
        res.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
        res.setContentLength64(0);
        res.send();
        return;
      }
      const StaticResource& r = it->second;
      res.setContentType(r.content_type);
      for (const auto& [k, v] : r.headers) res.set(k, v);
      res.setContentLength64(static_cast<Poco::Int64>(r.body.size()));
      std::ostream& out = res.send();
      if (!head) out.write(r.body.data(), static_cast<std::streamsize>(r.body.size()));
    }

   private:
    StaticHttpServer* s_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(StaticHttpServer* s) : s_(s) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Handler(s_); }

   private:
    StaticHttpServer* s_;
  };

  std::map<std::string, StaticResource> resources_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::atomic<int> gets_{0};
};

}  // namespace wabot::test
