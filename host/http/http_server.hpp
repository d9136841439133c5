// SPDX-License-Identifier: GPL-3.0-or-later
// The host's HTTP server: Poco HTTPServer on a bounded thread pool, in front of the Router. It owns
// everything every route shares: trace ids, the error envelope for 404/405/413/400/500, body limits,
// CORS, the per-IP limit, the admin token on admin paths, and one log line per request.
#pragma once

#include "host/http/router.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wabot::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 3000;                      // 0: an ephemeral port (see HttpServer::port())
  std::int64_t max_body_bytes = 16 * 1024 * 1024;
  int threads = 128;                    // worker threads, started on demand: the most requests served at once
  int max_queued = 256;                 // accepted connections waiting for a worker
  std::int64_t request_timeout_ms = 120'000;  // socket send/receive timeout of a connection
  std::int64_t keep_alive_timeout_ms = 5'000;
  std::vector<std::string> cors_origins;
  bool ip_rate_limit_enabled = false;
  int ip_rate_limit_per_minute = 600;
  std::vector<std::string> ip_rate_limit_whitelist;
  std::string admin_token;                       // secret; empty: admin paths are open
  std::vector<std::string> admin_path_prefixes;  // e.g. "/sessions": the path itself and below it
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, std::shared_ptr<Router> router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving. Empty on success, else "failed to listen on HOST:PORT: cause".
  std::string start();
  // Stops accepting, aborts open connections and joins the workers. Idempotent.
  void stop();
  // The bound port (the real one when options.port was 0); 0 before start.
  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for 127.0.0.0/8, ::1 and "localhost": an address only this machine can reach.
bool is_loopback_host(const std::string& host);

}  // namespace wabot::http
