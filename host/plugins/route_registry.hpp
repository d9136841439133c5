// SPDX-License-Identifier: GPL-3.0-or-later
// RouteRegistry: where the SDK's "http" service puts plugin routes. The host's wabot::http::Router is
// adapted by RouterRegistry (router_registry.hpp); keeping this seam abstract lets the plugin layer be
// built and tested without the HTTP layer.
#pragma once

#include "host/http/http_types.hpp"

#include <wabot/status.hpp>

#include <string>

namespace wabot::plugins {

class RouteRegistry {
 public:
  virtual ~RouteRegistry() = default;
  // ALREADY_EXISTS for a duplicate (method, pattern); INVALID_ARGUMENT for a bad pattern.
  virtual Status add(const std::string& method, const std::string& pattern, wabot::http::Handler handler,
                     const std::string& owner) = 0;
};

}  // namespace wabot::plugins
