// SPDX-License-Identifier: GPL-3.0-or-later
// HttpServer: binding, the Poco server and its thread pool, start and stop.
#include "host/http/http_server.hpp"

#include "host/common/log.hpp"
#include "host/http/request_pipeline.hpp"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include <mutex>

namespace wabot::http {
namespace {

class PipelineHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit PipelineHandlerFactory(std::shared_ptr<RequestPipeline> pipeline) : pipeline_(std::move(pipeline)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new PipelineRequestHandler(pipeline_);
  }

 private:
  std::shared_ptr<RequestPipeline> pipeline_;
};

}  // namespace

struct HttpServer::Impl {
  ServerOptions options;
  std::shared_ptr<Router> router;
  std::mutex mutex;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  std::uint16_t port = 0;
};

HttpServer::HttpServer(ServerOptions options, std::shared_ptr<Router> router) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->router = std::move(router);
}

HttpServer::~HttpServer() { stop(); }

std::string HttpServer::start() {
  std::lock_guard lock(impl_->mutex);
  const ServerOptions& o = impl_->options;
  if (impl_->server) return "";
  std::string where = o.host + ":" + std::to_string(o.port);
  try {
    Poco::Net::SocketAddress address(o.host, static_cast<Poco::UInt16>(o.port));
    Poco::Net::ServerSocket socket;
    socket.bind(address, true, false);  // SO_REUSEADDR for quick restarts; no SO_REUSEPORT: a second wabot must fail
    socket.listen(128);

    auto params = new Poco::Net::HTTPServerParams;  // Poco takes ownership (AutoPtr)
    params->setMaxThreads(o.threads);
    params->setMaxQueued(o.max_queued);
    params->setTimeout(Poco::Timespan(o.request_timeout_ms * 1000));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(o.keep_alive_timeout_ms * 1000));
    params->setServerName("wabot");

    // Poco starts one pool thread per concurrent connection, up to maxThreads; one spare for safety.
    impl_->pool = std::make_unique<Poco::ThreadPool>(1, o.threads + 1, 60);
    auto pipeline = std::make_shared<RequestPipeline>(o, impl_->router);
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(new PipelineHandlerFactory(pipeline), *impl_->pool,
                                                            socket, params);
    impl_->server->start();
    impl_->port = impl_->server->port();
  } catch (const Poco::Exception& e) {
    impl_->server.reset();
    impl_->pool.reset();
    return "failed to listen on " + where + ": " + e.displayText();
  } catch (const std::exception& e) {
    impl_->server.reset();
    impl_->pool.reset();
    return "failed to listen on " + where + ": " + e.what();
  }

  log::info("http server listening", {{"host", o.host},
                                      {"port", std::to_string(impl_->port)},
                                      {"threads", std::to_string(o.threads)},
                                      {"max_body_bytes", std::to_string(o.max_body_bytes)}});
  if (!is_loopback_host(o.host) && o.admin_token.empty())
    log::warn("http server is reachable from other machines and http.admin_token is not set: the /sessions "
              "endpoints are open to anyone who can reach this port",
              {{"host", o.host}});
  return "";
}

void HttpServer::stop() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->server) return;
  impl_->server->stopAll(true);  // abort idle keep-alive connections too, so the join below ends
  impl_->pool->joinAll();
  impl_->server.reset();
  impl_->pool.reset();
  log::info("http server stopped", {{"port", std::to_string(impl_->port)}});
  impl_->port = 0;
}

std::uint16_t HttpServer::port() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->port;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  Poco::Net::IPAddress address;
  return Poco::Net::IPAddress::tryParse(host, address) && address.isLoopback();
}

}  // namespace wabot::http
