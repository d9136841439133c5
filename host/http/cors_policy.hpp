// SPDX-License-Identifier: GPL-3.0-or-later
// CORS for browser clients (http.cors_origins): which origins get Access-Control-* headers, and the
// answer to a preflight.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wabot::http {

class CorsPolicy {
 public:
  explicit CorsPolicy(std::vector<std::string> origins);

  bool enabled() const { return !origins_.empty(); }

  // The headers for a response to a request with this Origin header; empty when CORS is off,
  // there is no Origin, or the origin is not allowed.
  std::vector<std::pair<std::string, std::string>> response_headers(std::string_view origin) const;

  // The extra headers of a preflight answer (OPTIONS with Access-Control-Request-Method).
  std::vector<std::pair<std::string, std::string>> preflight_headers(std::string_view origin) const;

 private:
  bool allows(std::string_view origin) const;
  std::vector<std::string> origins_;
  bool any_ = false;
};

}  // namespace wabot::http
