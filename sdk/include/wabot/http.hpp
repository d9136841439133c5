// SPDX-License-Identifier: MIT
// Http: route registration ("http" service) with std::function handlers, and read/write wrappers
// over the borrowed request and the host-owned response.
#pragma once

#include <wabot/host.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace wabot {

namespace detail {
inline std::optional<std::string_view> find_pair(const wabot_str_pair* pairs, size_t count, std::string_view key) noexcept {
  for (size_t i = 0; pairs && i < count; ++i)
    if (from_view(pairs[i].key) == key) return from_view(pairs[i].value);
  return std::nullopt;
}
}  // namespace detail

// A borrowed view of the request: valid only while the handler runs.
class HttpRequest {
 public:
  explicit HttpRequest(const wabot_http_request& raw) noexcept : raw_(&raw) {}
  std::string_view method() const noexcept { return from_view(raw_->method); }
  std::string_view path() const noexcept { return from_view(raw_->path); }
  std::string_view route() const noexcept { return from_view(raw_->route); }
  std::string_view query() const noexcept { return from_view(raw_->query); }
  std::string_view body() const noexcept { return from_view(raw_->body); }
  std::string_view trace_id() const noexcept { return from_view(raw_->trace_id); }
  std::string_view client_ip() const noexcept { return from_view(raw_->client_ip); }
  std::optional<std::string_view> param(std::string_view name) const noexcept {
    return detail::find_pair(raw_->path_params, raw_->path_param_count, name);
  }
  std::optional<std::string_view> query_param(std::string_view name) const noexcept {
    return detail::find_pair(raw_->query_params, raw_->query_param_count, name);
  }
  // `name` lower-case.
  std::optional<std::string_view> header(std::string_view name) const noexcept {
    return detail::find_pair(raw_->headers, raw_->header_count, name);
  }
  const wabot_http_request& raw() const noexcept { return *raw_; }

 private:
  const wabot_http_request* raw_;
};

class HttpResponse {
 public:
  HttpResponse(const wabot_http_service_v1& table, wabot_http_response* raw) noexcept : table_(&table), raw_(raw) {}
  void status(int code) const noexcept { table_->set_status(raw_, code); }
  void body(std::string_view content_type, std::string_view body) const noexcept {
    table_->set_body(raw_, to_view(content_type), to_view(body));
  }
  void header(std::string_view name, std::string_view value) const noexcept {
    table_->add_header(raw_, to_view(name), to_view(value));
  }
  void json(int code, std::string_view body_json) const noexcept {
    status(code);
    body("application/json", body_json);
  }

 private:
  const wabot_http_service_v1* table_;
  wabot_http_response* raw_;
};

using HttpHandler = std::function<void(const HttpRequest&, const HttpResponse&)>;

namespace detail {
struct HttpRoute {
  const wabot_http_service_v1* table;
  const Host* host;
  HttpHandler handler;
};

// The C handler: exceptions stop here and become a 500 plus an error return.
inline wabot_status route_trampoline(void* user_data, const wabot_http_request* request,
                                     wabot_http_response* response) noexcept {
  auto* route = static_cast<HttpRoute*>(user_data);
  try {
    route->handler(HttpRequest(*request), HttpResponse(*route->table, response));
    return WABOT_OK;
  } catch (const std::exception& e) {
    route->host->set_error(std::string("route handler threw: ") + e.what());
  } catch (...) {
    route->host->set_error("route handler threw a non-std exception");
  }
  return WABOT_ERR_INTERNAL;
}
}  // namespace detail

class Http {
 public:
  explicit Http(Host& host) noexcept : host_(&host), table_(host.service<wabot_http_service_v1>("http", 1)) {}

  // Registers `method pattern`; the handler lives until the plugin is destroyed.
  Status add_route(std::string_view method, std::string_view pattern, HttpHandler handler) {
    if (!table_) return detail::missing_service("http");
    auto* route = host_->keep(std::make_unique<detail::HttpRoute>(detail::HttpRoute{table_, host_, std::move(handler)}));
    wabot_status rc = table_->add_route(host_->raw(), to_view(method), to_view(pattern), &detail::route_trampoline, route);
    if (rc != WABOT_OK)
      return host_->failure(rc, std::string("failed to add route ").append(method).append(" ").append(pattern));
    return Status::ok();
  }

 private:
  Host* host_;
  const wabot_http_service_v1* table_;
};

}  // namespace wabot
