// SPDX-License-Identifier: GPL-3.0-or-later
// Test double of the host's router seam: records routes and calls them with a minimal
// literal/{param} match, so the plugin layer is tested without the HTTP layer.
#pragma once

#include "host/plugins/route_registry.hpp"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace wabot::plugins::testing {

class RecordingRouteRegistry final : public RouteRegistry {
 public:
  struct Route {
    std::string method, pattern, owner;
    http::Handler handler;
  };

  Status add(const std::string& method, const std::string& pattern, http::Handler handler, const std::string& owner) override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Route& r : routes_)
      if (r.method == method && r.pattern == pattern) return Status::error(WABOT_ERR_ALREADY_EXISTS, "duplicate route");
    routes_.push_back({method, pattern, owner, std::move(handler)});
    return Status::ok();
  }

  std::vector<Route> routes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return routes_;
  }

  // Calls the route matching `method path` as the server would; status 404 when none matches.
  http::Response call(const std::string& method, const std::string& path, const std::string& trace_id = "trace-1") const {
    http::Request request;
    request.method = method;
    request.path = path;
    request.trace_id = trace_id;
    http::Handler handler;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const Route& r : routes_) {
        std::map<std::string, std::string> params;
        if (r.method == method && match(r.pattern, path, params)) {
          request.route = r.pattern;
          request.path_params = params;
          handler = r.handler;
          break;
        }
      }
    }
    http::Response response;
    if (!handler) {
      response.status = 404;
      return response;
    }
    handler(request, response);
    return response;
  }

 private:
  static std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
      size_t j = s.find('/', i);
      if (j == std::string::npos) j = s.size();
      if (j > i) out.push_back(s.substr(i, j - i));
      i = j + 1;
    }
    return out;
  }
  static bool match(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params) {
    auto ps = split(pattern), xs = split(path);
    if (ps.size() != xs.size()) return false;
    for (size_t i = 0; i < ps.size(); ++i) {
      if (ps[i].size() > 2 && ps[i].front() == '{' && ps[i].back() == '}') params[ps[i].substr(1, ps[i].size() - 2)] = xs[i];
      else if (ps[i] != xs[i]) return false;
    }
    return true;
  }

  mutable std::mutex mutex_;
  std::vector<Route> routes_;
};

}  // namespace wabot::plugins::testing
