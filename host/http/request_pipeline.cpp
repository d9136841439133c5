// SPDX-License-Identifier: GPL-3.0-or-later
// The per-request pipeline of the HTTP server.
#include "host/http/request_pipeline.hpp"

#include "host/common/log.hpp"
#include "host/http/trace_id.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <cctype>

namespace wabot::http {

struct RequestPipeline::Outcome {
  bool body_consumed = true;  // false: unread body bytes remain, so the connection must close
};

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

void set_error(Response& res, int status, std::string_view code, std::string_view message, const std::string& trace_id) {
  res.status = status;
  res.content_type = "application/json";
  res.body = error_body(code, message, trace_id);
}

// application/json, optionally with parameters ("; charset=utf-8"), any case; also application/*+json.
bool is_json_content_type(const std::string& value) {
  std::string type = lower(value.substr(0, value.find(';')));
  type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }), type.end());
  if (type == "application/json") return true;
  return type.rfind("application/", 0) == 0 && type.size() > 17 && type.compare(type.size() - 5, 5, "+json") == 0;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Length is not secret-dependent in a way worth hiding; the content comparison is constant time.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

// After an answer sent without reading the body: close our side for writing and discard what the
// client is still sending, for a bounded time and amount. Closing a socket with unread input makes
// the kernel send a reset, which can destroy the answer before the client reads it.
void linger_close(Poco::Net::HTTPServerRequest& request) {
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (!impl) return;
  try {
    Poco::Net::StreamSocket& socket = impl->socket();
    socket.shutdownSend();
    socket.setReceiveTimeout(Poco::Timespan(0, 300 * 1000));
    char buffer[16 * 1024];
    constexpr std::size_t kMaxDrainBytes = 1 << 20;
    std::size_t drained = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (drained < kMaxDrainBytes && std::chrono::steady_clock::now() < deadline) {
      int n = socket.receiveBytes(buffer, sizeof buffer);
      if (n <= 0) break;
      drained += static_cast<std::size_t>(n);
    }
  } catch (...) {
    // a timeout or reset here only ends the drain
  }
}

// The peer address as configs spell it: "::ffff:10.0.0.1" (an IPv4 client of a "::" listener) is
// "10.0.0.1", so whitelists and logs see one form.
std::string client_ip_of(const Poco::Net::HTTPServerRequest& request) {
  Poco::Net::IPAddress host = request.clientAddress().host();
  if (host.family() == Poco::Net::IPAddress::IPv6 && host.isIPv4Mapped()) {
    const auto* bytes = static_cast<const unsigned char*>(host.addr());
    return Poco::Net::IPAddress(bytes + 12, 4).toString();
  }
  return host.toString();
}

}  // namespace

RequestPipeline::RequestPipeline(const ServerOptions& options, std::shared_ptr<Router> router)
    : options_(options), router_(std::move(router)), cors_(options.cors_origins) {
  if (options_.ip_rate_limit_enabled)
    ip_limiter_.emplace(options_.ip_rate_limit_per_minute, options_.ip_rate_limit_whitelist);
}

bool RequestPipeline::admin_path(const std::string& path) const {
  for (const auto& prefix : options_.admin_path_prefixes) {
    if (path == prefix || (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
                           path[prefix.size()] == '/'))
      return true;
  }
  return false;
}

void RequestPipeline::process(Poco::Net::HTTPServerRequest& request, Request& req, Response& res, Outcome& out) {
  const bool chunked = request.getChunkedTransferEncoding();
  const bool has_length = request.hasContentLength();
  const std::int64_t content_length = has_length ? request.getContentLength64() : 0;
  const bool has_body = chunked || content_length > 0;
  out.body_consumed = !has_body;

  // CORS: headers on every response to an allowed origin; a preflight is answered here.
  auto origin_it = req.headers.find("origin");
  std::string origin = origin_it == req.headers.end() ? "" : origin_it->second;
  if (cors_.enabled()) {
    for (auto& h : cors_.response_headers(origin)) res.headers.push_back(std::move(h));
    if (req.method == "OPTIONS" && req.headers.count("access-control-request-method")) {
      res = Response{};
      res.status = 204;
      res.content_type.clear();
      res.headers = cors_.preflight_headers(origin);  // empty for a foreign origin: the browser refuses
      return;
    }
  }

  if (ip_limiter_) {
    auto decision = ip_limiter_->allow(req.client_ip);
    if (!decision.allowed) {
      set_error(res, 429, "RATE_LIMITED", "too many requests from this address", req.trace_id);
      res.headers.push_back({"Retry-After", std::to_string(decision.retry_after_s)});
      return;
    }
  }

  if (has_length && content_length > options_.max_body_bytes) {
    set_error(res, 413, "PAYLOAD_TOO_LARGE",
              "request body is " + std::to_string(content_length) + " bytes, the limit is " +
                  std::to_string(options_.max_body_bytes),
              req.trace_id);
    return;
  }

  auto match = router_->match(req.method, req.path);
  if (match.kind == Router::MatchKind::not_found) {
    set_error(res, 404, "NOT_FOUND", "no route for " + req.method + " " + req.path, req.trace_id);
    return;
  }
  if (match.kind == Router::MatchKind::method_not_allowed) {
    std::string allow;
    for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
    set_error(res, 405, "METHOD_NOT_ALLOWED", req.method + " is not allowed here; allowed: " + allow, req.trace_id);
    res.headers.push_back({"Allow", allow});
    return;
  }
  req.route = match.pattern;
  req.path_params = std::move(match.path_params);

  if (!options_.admin_token.empty() && admin_path(req.path)) {
    auto auth = req.headers.find("authorization");
    const std::string prefix = "Bearer ";
    bool ok = auth != req.headers.end() && auth->second.size() > prefix.size() &&
              lower(auth->second.substr(0, prefix.size())) == "bearer " &&
              constant_time_equal(std::string_view(auth->second).substr(prefix.size()), options_.admin_token);
    if (!ok) {
      set_error(res, 401, "UNAUTHORIZED", "missing or wrong admin token (Authorization: Bearer ...)", req.trace_id);
      return;
    }
  }

  if (has_body && (req.method == "POST" || req.method == "PUT" || req.method == "PATCH")) {
    auto ct = req.headers.find("content-type");
    if (ct == req.headers.end() || !is_json_content_type(ct->second)) {
      set_error(res, 400, "INVALID_PAYLOAD", "request body must be JSON (Content-Type: application/json)",
                req.trace_id);
      return;
    }
  }

  if (has_body) {
    // Read in pieces and count, so a chunked body (no Content-Length) is stopped at the limit too.
    std::istream& in = request.stream();
    char buffer[16 * 1024];
    const auto limit = static_cast<std::size_t>(options_.max_body_bytes);
    if (has_length) req.body.reserve(static_cast<std::size_t>(content_length));
    while (in) {
      in.read(buffer, sizeof buffer);
      auto n = static_cast<std::size_t>(in.gcount());
      if (n == 0) break;
      if (req.body.size() + n > limit) {
        req.body.clear();
        set_error(res, 413, "PAYLOAD_TOO_LARGE",
                  "request body is larger than the limit of " + std::to_string(options_.max_body_bytes) + " bytes",
                  req.trace_id);
        return;
      }
      req.body.append(buffer, n);
    }
    if (in.bad()) throw Poco::IOException("failed to read the request body");
    out.body_consumed = true;
  }

  try {
    match.handler(req, res);
  } catch (const std::exception& e) {
    log::error("route handler threw", {{"route", req.route}, {"owner", match.owner}, {"cause", e.what()}});
    res = Response{};
    set_error(res, 500, "INTERNAL_ERROR", "the request handler failed", req.trace_id);
  } catch (...) {
    log::error("route handler threw", {{"route", req.route}, {"owner", match.owner}, {"cause", "unknown exception"}});
    res = Response{};
    set_error(res, 500, "INTERNAL_ERROR", "the request handler failed", req.trace_id);
  }
  if (res.status < 100 || res.status > 599) {
    log::error("route handler set an invalid status", {{"route", req.route}, {"owner", match.owner},
                                                         {"status", std::to_string(res.status)}});
    res = Response{};
    set_error(res, 500, "INTERNAL_ERROR", "the request handler failed", req.trace_id);
  }
}

void RequestPipeline::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) noexcept {
  const auto started = std::chrono::steady_clock::now();
  Request req;
  Response res;
  Outcome out;

  std::string own_id = request.get("X-Trace-Id", "");
  req.trace_id = is_valid_trace_id(own_id) ? own_id : generate_trace_id();
  log::Scope scope(req.trace_id);

  try {
    req.method = request.getMethod();
    req.client_ip = client_ip_of(request);
    for (const auto& [name, value] : request) req.headers[lower(name)] = value;
    bool uri_ok = true;
    try {
      Poco::URI uri(request.getURI());
      req.path = uri.getPath();
      req.query = uri.getRawQuery();
      for (auto& [k, v] : uri.getQueryParameters()) req.query_params[k] = v;
    } catch (const Poco::Exception&) {
      uri_ok = false;
    }
    if (!uri_ok || req.path.empty() || req.path.front() != '/') {
      out.body_consumed = !(request.getChunkedTransferEncoding() || request.getContentLength64() > 0);
      set_error(res, 400, "INVALID_PAYLOAD", "malformed request URI", req.trace_id);
    } else {
      process(request, req, res, out);
    }
  } catch (const Poco::TimeoutException&) {
    out.body_consumed = false;
    res = Response{};
    set_error(res, 408, "REQUEST_TIMEOUT", "the request was not received in time", req.trace_id);
  } catch (const std::exception& e) {
    out.body_consumed = false;
    log::error("request failed", {{"cause", e.what()}});
    res = Response{};
    set_error(res, 500, "INTERNAL_ERROR", "the request could not be processed", req.trace_id);
  } catch (...) {
    out.body_consumed = false;
    res = Response{};
    set_error(res, 500, "INTERNAL_ERROR", "the request could not be processed", req.trace_id);
  }

  try {
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(res.status));
    response.setReason(Poco::Net::HTTPResponse::getReasonForStatus(response.getStatus()));
    for (const auto& [name, value] : res.headers) {
      // The server owns framing; a CR/LF in a header would let a handler split the response.
      std::string lname = lower(name);
      bool framing = lname == "content-length" || lname == "transfer-encoding" || lname == "connection";
      bool unsafe = name.empty() || name.find_first_of("\r\n: ") != std::string::npos ||
                    value.find_first_of("\r\n") != std::string::npos;
      if (framing || unsafe) {
        log::warn("dropped a response header set by the handler", {{"route", req.route}, {"header", unsafe ? "(unsafe)" : name}});
        continue;
      }
      response.add(name, value);
    }
    response.set("X-Trace-Id", req.trace_id);
    // Unread body bytes would be parsed as the next request: close instead.
    if (!out.body_consumed) response.setKeepAlive(false);
    const bool no_body = res.status == 204 || res.status == 304;
    if (!no_body && !res.content_type.empty()) response.setContentType(res.content_type);
    response.setContentLength64(no_body ? 0 : static_cast<Poco::Int64>(res.body.size()));
    // send() + flush, not sendBuffer(): Poco buffers sendBuffer's bytes until the response object
    // dies, and linger_close below must run after the answer is on the wire.
    std::ostream& body = response.send();
    if (!no_body && request.getMethod() != "HEAD") body.write(res.body.data(), static_cast<std::streamsize>(res.body.size()));
    body.flush();
    if (!out.body_consumed) linger_close(request);
  } catch (const std::exception& e) {
    log::warn("failed to send the response", {{"cause", e.what()}});
  } catch (...) {
    log::warn("failed to send the response", {{"cause", "unknown exception"}});
  }

  try {
    auto duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.3f", duration_ms);
    log::info("http request", {{"method", req.method},
                               {"route", req.route.empty() ? "-" : req.route},
                               {"status", std::to_string(res.status)},
                               {"duration_ms", duration},
                               {"client_ip", req.client_ip}});
  } catch (...) {
  }
}

}  // namespace wabot::http
