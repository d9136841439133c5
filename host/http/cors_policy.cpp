// SPDX-License-Identifier: GPL-3.0-or-later
// CORS header decisions.
#include "host/http/cors_policy.hpp"

#include <algorithm>

namespace wabot::http {

CorsPolicy::CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {
  any_ = std::find(origins_.begin(), origins_.end(), "*") != origins_.end();
}

bool CorsPolicy::allows(std::string_view origin) const {
  if (origin.empty() || origins_.empty()) return false;
  return any_ || std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

std::vector<std::pair<std::string, std::string>> CorsPolicy::response_headers(std::string_view origin) const {
  if (!allows(origin)) return {};
  // With "*" we still echo the origin (not "*") so Authorization headers work; Vary keeps caches honest.
  return {{"Access-Control-Allow-Origin", std::string(origin)},
          {"Vary", "Origin"},
          {"Access-Control-Expose-Headers", "X-Trace-Id"}};
}

std::vector<std::pair<std::string, std::string>> CorsPolicy::preflight_headers(std::string_view origin) const {
  auto headers = response_headers(origin);
  if (headers.empty()) return headers;
  headers.push_back({"Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS"});
  headers.push_back({"Access-Control-Allow-Headers", "Authorization, Content-Type, X-Trace-Id"});
  headers.push_back({"Access-Control-Max-Age", "600"});
  return headers;
}

}  // namespace wabot::http
