// SPDX-License-Identifier: GPL-3.0-or-later
// The "http" service: plugin routes go into the host's RouteRegistry wrapped in a handler that builds
// the C request view, refuses calls while the plugin is not running, and turns failures into 500s.
#include "host/common/log.hpp"
#include "host/http/http_types.hpp"
#include "host/plugins/host_call.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/services.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace wabot::plugins {

namespace {

// The error envelope of docs/api.md, written here rather than through http::error_body so this layer
// does not link the HTTP server.
std::string error_json(std::string_view code, std::string_view message, std::string_view trace_id) {
  std::string out = R"({"error":{"code":")";
  log::append_json_escaped(out, code);
  out += R"(","message":")";
  log::append_json_escaped(out, message);
  out += R"(","traceId":")";
  log::append_json_escaped(out, trace_id);
  out += "\"}}";
  return out;
}

std::vector<wabot_str_pair> pairs(const std::map<std::string, std::string>& m) {
  std::vector<wabot_str_pair> out;
  out.reserve(m.size());
  for (const auto& [k, v] : m) out.push_back({to_view(k), to_view(v)});
  return out;
}

bool valid_method(std::string_view m) {
  static constexpr std::string_view methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
  for (std::string_view x : methods)
    if (m == x) return true;
  return false;
}

void handle(const std::shared_ptr<LoadedPlugin>& plugin, PluginManager& manager, wabot_http_handler_fn fn,
            void* user_data, const http::Request& request, http::Response& response) {
  plugin->enter_call();
  struct Leave {
    LoadedPlugin& p;
    ~Leave() { p.leave_call(); }
  } leave{*plugin};
  if (!plugin->is_running()) {
    response.status = 503;
    response.content_type = "application/json";
    response.body = error_json("SERVICE_UNAVAILABLE", "plugin " + plugin->name() + " is not running", request.trace_id);
    return;
  }
  auto path_params = pairs(request.path_params), query_params = pairs(request.query_params), headers = pairs(request.headers);
  wabot_http_request view{sizeof(wabot_http_request), to_view(request.method), to_view(request.path), to_view(request.route),
                          to_view(request.query), to_view(request.body), to_view(request.trace_id), to_view(request.client_ip),
                          path_params.data(), path_params.size(), query_params.data(), query_params.size(),
                          headers.data(), headers.size()};
  log::Scope scope(request.trace_id, {}, plugin->name());
  const auto started = std::chrono::steady_clock::now();
  // (1.1) Every answered request becomes an HTTP_REQUEST event for metrics, with the route pattern
  // (not the path) so label cardinality stays bounded.
  struct Publish {
    PluginManager& manager;
    const http::Request& request;
    const http::Response& response;
    std::chrono::steady_clock::time_point started;
    ~Publish() {
      try {
        PluginEvent event;
        event.kind = WABOT_EVENT_HTTP_REQUEST;
        event.trace_id = request.trace_id;
        event.http_request = HttpRequestData{
            request.method, request.route, response.status,
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()};
        manager.publish(event);
      } catch (...) {
      }
    }
  } publish{manager, request, response, started};
  // The plugin fills `response` through the set_* callbacks: the handle is the Response itself.
  wabot_status rc = host_call::call_plugin(
      [&] { return fn(user_data, &view, reinterpret_cast<wabot_http_response*>(&response)); });
  if (rc != WABOT_OK) {
    manager.report_hook_failure(*plugin, "http " + request.method + " " + request.route, rc, host_call::take_plugin_error());
    response = http::Response{};
    response.status = 500;
    response.body = error_json("INTERNAL_ERROR", "the handler of " + request.route + " failed", request.trace_id);
  }
}

wabot_status add_route(wabot_host* host, wabot_str_view method, wabot_str_view pattern, wabot_http_handler_fn handler,
                       void* user_data) {
  return host_call::guarded("http.add_route", [&] {
    if (!host_call::valid_handle(host) || !host_call::valid_view(method) || !host_call::valid_view(pattern) || !handler)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid host handle, method, pattern or handler");
    const std::string m = to_string(method), p = to_string(pattern);
    if (!valid_method(m)) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "unknown HTTP method " + m);
    if (p.empty() || p.front() != '/' || p.size() > 512)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "route pattern must start with '/' (at most 512 bytes): " + p);
    PluginManager& manager = *host->manager;
    RouteRegistry* routes = manager.backends().routes;
    if (!routes) return host_call::fail(WABOT_ERR_UNSUPPORTED, "the host serves no HTTP");
    std::shared_ptr<LoadedPlugin> plugin = host->plugin->shared_from_this();
    Status s = routes->add(
        m, p,
        [plugin, &manager, handler, user_data](const http::Request& req, http::Response& res) {
          handle(plugin, manager, handler, user_data, req, res);
        },
        plugin->name());
    if (!s) return host_call::fail(s.code(), "failed to add route " + m + " " + p + ": " + s.message());
    log::Scope scope({}, {}, plugin->name());
    log::info("plugin route added", {{"method", m}, {"pattern", p}});
    return host_call::ok();
  });
}

http::Response* response_of(wabot_http_response* r) { return reinterpret_cast<http::Response*>(r); }

wabot_status set_status(wabot_http_response* response, int32_t status) {
  return host_call::guarded("http.set_status", [&] {
    if (!response || status < 100 || status > 599)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "HTTP status must be 100..599, got " + std::to_string(status));
    response_of(response)->status = status;
    return host_call::ok();
  });
}

wabot_status set_body(wabot_http_response* response, wabot_str_view content_type, wabot_str_view body) {
  return host_call::guarded("http.set_body", [&] {
    if (!response || !host_call::valid_view(content_type) || !host_call::valid_view(body))
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid response, content type or body");
    response_of(response)->content_type = content_type.len ? to_string(content_type) : "application/octet-stream";
    response_of(response)->body = to_string(body);
    return host_call::ok();
  });
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

wabot_status add_header(wabot_http_response* response, wabot_str_view name, wabot_str_view value) {
  return host_call::guarded("http.add_header", [&] {
    if (!response || !host_call::valid_view(name) || !host_call::valid_view(value) || name.len == 0 || name.len > 256)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid header");
    std::string n = to_string(name), v = to_string(value);
    for (char c : n)
      if (!is_token_char(c)) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid header name " + n);
    // CR/LF in a value would let a plugin split the response.
    if (v.find_first_of("\r\n") != std::string::npos)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "header " + n + " has a line break in its value");
    std::string lower = n;
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower == "x-trace-id") return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "X-Trace-Id is set by the host");
    response_of(response)->headers.emplace_back(std::move(n), std::move(v));
    return host_call::ok();
  });
}

constexpr wabot_http_service_v1 table{sizeof(wabot_http_service_v1), &add_route, &set_status, &set_body, &add_header};

}  // namespace

const wabot_http_service_v1* http_service() { return &table; }

}  // namespace wabot::plugins
