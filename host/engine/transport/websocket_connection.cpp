// SPDX-License-Identifier: GPL-3.0-or-later
// WebSocket client on Boost.Beast over the shared io_context; TLS with SNI and host-name verification.
#include "host/engine/transport/websocket_connection.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <deque>
#include <type_traits>

namespace wabot::engine::transport {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

Result<WebSocketUrl> WebSocketUrl::parse(const std::string& url) {
  WebSocketUrl u;
  std::string rest;
  if (url.rfind("wss://", 0) == 0) {
    u.tls = true;
    rest = url.substr(6);
  } else if (url.rfind("ws://", 0) == 0) {
    u.tls = false;
    rest = url.substr(5);
  } else {
    return Error(ErrorCode::malformed, "WebSocket URL '" + url + "' must start with ws:// or wss://");
  }
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    u.host = authority.substr(0, colon);
    u.port = authority.substr(colon + 1);
  } else {
    u.host = authority;
    u.port = u.tls ? "443" : "80";
  }
  if (u.host.empty() || u.port.empty() || u.port.find_first_not_of("0123456789") != std::string::npos || u.port.size() > 5)
    return Error(ErrorCode::malformed, "WebSocket URL '" + url + "' has no valid host or port");
  return u;
}

namespace {

template <bool Tls>
class BeastConnection final : public WebSocketConnection, public std::enable_shared_from_this<BeastConnection<Tls>> {
  using Lowest = beast::tcp_stream;
  using Next = std::conditional_t<Tls, beast::ssl_stream<Lowest>, Lowest>;
  using Ws = websocket::stream<Next>;

 public:
  BeastConnection(EventLoop& loop, Strand strand, WebSocketOptions options, WebSocketUrl url, Handlers handlers)
      : strand_(strand), options_(std::move(options)), url_(std::move(url)), handlers_(std::move(handlers)),
        resolver_(strand), ws_(make_stream(loop, strand)) {}

  void connect() override {
    net::dispatch(strand_, [self = this->shared_from_this()] { self->start(); });
  }

  void send(std::vector<std::uint8_t> message) override {
    net::dispatch(strand_, [self = this->shared_from_this(), m = std::move(message)]() mutable {
      if (self->finished_ || !self->open_) return;
      self->queue_.push_back(std::move(m));
      if (self->queue_.size() == 1) self->write_next();
    });
  }

  void close() override {
    net::dispatch(strand_, [self = this->shared_from_this()] { self->start_close(); });
  }

 private:
  static Ws make_stream(EventLoop& loop, Strand strand) {
    if constexpr (Tls)
      return Ws(Lowest(strand), loop.tls_context());
    else
      return Ws(Lowest(strand));
  }

  void start() {
    if (started_) return;
    started_ = true;
    beast::get_lowest_layer(ws_).expires_after(std::chrono::milliseconds(options_.connect_timeout_ms));
    resolver_.async_resolve(url_.host, url_.port,
                            [self = this->shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
                              self->on_resolve(ec, r);
                            });
  }

  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return finish(Error(ErrorCode::io, "cannot resolve " + url_.host + ": " + ec.message()));
    if (closing_) return finish(Error(ErrorCode::io, "closed before connecting"));
    beast::get_lowest_layer(ws_).async_connect(
        results, [self = this->shared_from_this()](beast::error_code e, const tcp::endpoint&) { self->on_connect(e); });
  }

  void on_connect(beast::error_code ec) {
    if (ec) return finish(Error(ErrorCode::io, "cannot connect to " + url_.host + ":" + url_.port + ": " + ec.message()));
    if (closing_) return finish(Error(ErrorCode::io, "closed before connecting"));
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));
    if constexpr (Tls) {
      auto& ssl = ws_.next_layer();
      if (!SSL_set_tlsext_host_name(ssl.native_handle(), url_.host.c_str()))
        return finish(Error(ErrorCode::io, "cannot set TLS SNI for " + url_.host));
      ssl.set_verify_callback(net::ssl::host_name_verification(url_.host));
      ssl.async_handshake(net::ssl::stream_base::client,
                          [self = this->shared_from_this()](beast::error_code e) { self->on_tls(e); });
    } else {
      upgrade();
    }
  }

  void on_tls(beast::error_code ec) {
    if (ec) return finish(Error(ErrorCode::io, "TLS handshake with " + url_.host + " failed: " + ec.message()));
    upgrade();
  }

  void upgrade() {
    if (closing_) return finish(Error(ErrorCode::io, "closed before connecting"));
    // The WebSocket layer now owns timeouts (handshake and close); the TCP timer would also fire on idle.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::milliseconds(options_.connect_timeout_ms);
    t.idle_timeout = websocket::stream_base::none();  // WhatsApp keepalive is at the application layer
    t.keep_alive_pings = false;
    ws_.set_option(t);
    std::string origin = options_.origin;
    ws_.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
      req.set(http::field::origin, origin);
      req.set(http::field::cache_control, "no-cache");
      req.set(http::field::pragma, "no-cache");
    }));
    ws_.binary(true);
    ws_.read_message_max(options_.max_message_bytes);
    bool default_port = (Tls && url_.port == "443") || (!Tls && url_.port == "80");
    std::string host = default_port ? url_.host : url_.host + ":" + url_.port;
    ws_.async_handshake(host, url_.target, [self = this->shared_from_this()](beast::error_code e) { self->on_upgrade(e); });
  }

  void on_upgrade(beast::error_code ec) {
    if (ec) return finish(Error(ErrorCode::io, "WebSocket upgrade with " + url_.host + " failed: " + ec.message()));
    open_ = true;
    if (closing_) return start_close();
    if (handlers_.on_open) handlers_.on_open();
    read_next();
  }

  void read_next() {
    if (finished_) return;
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code e, std::size_t n) { self->on_read(e, n); });
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      if (ec == websocket::error::closed) {
        auto reason = ws_.reason();
        return finish(Error(ErrorCode::io, "server closed the WebSocket (code " + std::to_string(reason.code) + ")"));
      }
      return finish(Error(ErrorCode::io, closing_ ? "closed" : "WebSocket read failed: " + ec.message()));
    }
    auto data = buffer_.data();
    std::vector<std::uint8_t> message(static_cast<const std::uint8_t*>(data.data()),
                                      static_cast<const std::uint8_t*>(data.data()) + data.size());
    buffer_.consume(buffer_.size());
    // Idle agents should not keep a large receive buffer after one big message.
    if (buffer_.capacity() > 64 * 1024) buffer_ = beast::flat_buffer();
    if (ws_.got_binary() && handlers_.on_message) handlers_.on_message(std::move(message));
    read_next();
  }

  void write_next() {
    ws_.async_write(net::buffer(queue_.front()),
                    [self = this->shared_from_this()](beast::error_code e, std::size_t) { self->on_write(e); });
  }

  void on_write(beast::error_code ec) {
    if (ec) return finish(Error(ErrorCode::io, "WebSocket write failed: " + ec.message()));
    queue_.pop_front();
    if (!queue_.empty() && !finished_) write_next();
  }

  void start_close() {
    if (finished_ || close_sent_) return;
    closing_ = true;
    if (!started_) return finish(Error(ErrorCode::io, "closed before connecting"));
    if (!open_) {
      // Abort whatever connect step is in flight; its handler then finishes.
      resolver_.cancel();
      beast::get_lowest_layer(ws_).cancel();
      return;
    }
    close_sent_ = true;
    ws_.async_close(websocket::close_code::normal, [self = this->shared_from_this()](beast::error_code) {
      // The pending read completes with an error and finishes; make sure it cannot hang.
      beast::get_lowest_layer(self->ws_).close();
      self->finish(Error(ErrorCode::io, "closed"));
    });
  }

  void finish(Error why) {
    if (finished_) return;
    finished_ = true;
    open_ = false;
    queue_.clear();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    // Drop the handlers after the call: they usually hold the owner, and we must not keep it alive.
    auto handlers = std::move(handlers_);
    handlers_ = {};
    if (handlers.on_closed) handlers.on_closed(why);
  }

  Strand strand_;
  WebSocketOptions options_;
  WebSocketUrl url_;
  Handlers handlers_;
  tcp::resolver resolver_;
  Ws ws_;
  beast::flat_buffer buffer_;
  std::deque<std::vector<std::uint8_t>> queue_;
  bool started_ = false, open_ = false, closing_ = false, close_sent_ = false, finished_ = false;
};

}  // namespace

Result<std::shared_ptr<WebSocketConnection>> WebSocketConnection::create(EventLoop& loop, Strand strand, WebSocketOptions options,
                                                                         Handlers handlers) {
  auto url = WebSocketUrl::parse(options.url);
  if (!url) return url.error();
  if (url->tls)
    return std::shared_ptr<WebSocketConnection>(
        std::make_shared<BeastConnection<true>>(loop, strand, std::move(options), std::move(url.value()), std::move(handlers)));
  return std::shared_ptr<WebSocketConnection>(
      std::make_shared<BeastConnection<false>>(loop, strand, std::move(options), std::move(url.value()), std::move(handlers)));
}

}  // namespace wabot::engine::transport
