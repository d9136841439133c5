// SPDX-License-Identifier: GPL-3.0-or-later
// Maps (method, path) to a route handler. Patterns are literal segments and {name} parameters:
// "/sessions/{agentId}/qr". Routes are added only by plugins through the SDK's http service.
// Thread-safe: routes may be added while requests are being served.
#pragma once

#include "host/http/http_types.hpp"

#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

namespace wabot::http {

class Router {
 public:
  enum class AddResult { ok = 1, invalid_pattern, duplicate };

  // owner: the plugin's name, for logs and conflicts. A (method, pattern) pair may be added once;
  // a second add of the same pair is refused with `duplicate`.
  AddResult add(std::string method, std::string pattern, Handler handler, std::string owner);

  enum class MatchKind { found = 1, method_not_allowed, not_found };
  struct Match {
    MatchKind kind = MatchKind::not_found;
    Handler handler;                                  // set when found
    std::string pattern;                              // set when found
    std::string owner;                                // set when found
    std::map<std::string, std::string> path_params;   // set when found
    std::vector<std::string> allowed_methods;         // set when method_not_allowed (for the Allow header)
  };
  // Literal segments win over parameters at the same position; parameters never match an empty segment.
  Match match(std::string_view method, std::string_view path) const;

  struct RouteInfo {
    std::string method, pattern, owner;
  };
  std::vector<RouteInfo> routes() const;

  struct Route;  // opaque; public only so that router.cpp's helpers can name it

 private:
  mutable std::shared_mutex mutex_;
  std::vector<std::shared_ptr<const Route>> routes_;
};

}  // namespace wabot::http
