// SPDX-License-Identifier: GPL-3.0-or-later
// WebSocketConnection: one binary WebSocket client connection (ws:// or wss://) on the shared event loop,
// fully asynchronous (resolve, TCP, TLS and the HTTP upgrade never block a thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/engine/transport/event_loop.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::transport {

struct WebSocketUrl {
  bool tls = true;
  std::string host;
  std::string port;
  std::string target;  // path and query

  static Result<WebSocketUrl> parse(const std::string& url);
};

struct WebSocketOptions {
  std::string url = "wss://web.whatsapp.com/ws/chat";
  std::string origin = "https://web.whatsapp.com";
  std::int64_t connect_timeout_ms = 20'000;  // resolve + TCP + TLS + upgrade
  std::size_t max_message_bytes = (1u << 24) + 16;
};

class WebSocketConnection {
 public:
  // Called on the strand given to create(). on_closed runs exactly once after connect(), whatever happens.
  struct Handlers {
    std::function<void()> on_open;
    std::function<void(std::vector<std::uint8_t>&& message)> on_message;  // binary messages only
    std::function<void(const Error& why)> on_closed;
  };

  virtual ~WebSocketConnection() = default;

  // All methods may be called from any thread; the work runs on the strand.
  static Result<std::shared_ptr<WebSocketConnection>> create(EventLoop& loop, Strand strand, WebSocketOptions options,
                                                             Handlers handlers);
  virtual void connect() = 0;
  // Queues one binary message; messages go out in order.
  virtual void send(std::vector<std::uint8_t> message) = 0;
  // Closes (a WebSocket close when open, otherwise aborts the connect); on_closed follows.
  virtual void close() = 0;
};

}  // namespace wabot::engine::transport
