// SPDX-License-Identifier: GPL-3.0-or-later
// What happens to every HTTP request between Poco and a route handler, in order: trace id, CORS,
// per-IP limit, body size, routing (404/405), admin token, content type, bounded body read, the
// handler (exceptions → 500), the response, one log line.
#pragma once

#include "host/http/cors_policy.hpp"
#include "host/http/http_server.hpp"
#include "host/http/ip_rate_limiter.hpp"
#include "host/http/router.hpp"

#include <Poco/Net/HTTPRequestHandler.h>

#include <memory>
#include <optional>

namespace wabot::http {

class RequestPipeline {
 public:
  RequestPipeline(const ServerOptions& options, std::shared_ptr<Router> router);

  // Never throws: anything a handler or the socket throws becomes a 500 (or a dropped connection).
  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) noexcept;

 private:
  struct Outcome;
  void process(Poco::Net::HTTPServerRequest& request, Request& req, Response& res, Outcome& out);
  bool admin_path(const std::string& path) const;

  const ServerOptions options_;
  const std::shared_ptr<Router> router_;
  const CorsPolicy cors_;
  std::optional<IpRateLimiter> ip_limiter_;
};

// Poco's per-request object: forwards to the shared pipeline.
class PipelineRequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit PipelineRequestHandler(std::shared_ptr<RequestPipeline> pipeline) : pipeline_(std::move(pipeline)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    pipeline_->handle(request, response);
  }

 private:
  std::shared_ptr<RequestPipeline> pipeline_;
};

}  // namespace wabot::http
