// SPDX-License-Identifier: GPL-3.0-or-later
// RouterRegistry: RouteRegistry over the host's wabot::http::Router.
#pragma once

#include "host/http/router.hpp"
#include "host/plugins/route_registry.hpp"

namespace wabot::plugins {

class RouterRegistry final : public RouteRegistry {
 public:
  explicit RouterRegistry(wabot::http::Router& router) : router_(router) {}
  Status add(const std::string& method, const std::string& pattern, wabot::http::Handler handler,
             const std::string& owner) override {
    switch (router_.add(method, pattern, std::move(handler), owner)) {
      case wabot::http::Router::AddResult::ok: return Status::ok();
      case wabot::http::Router::AddResult::duplicate:
        return Status::error(WABOT_ERR_ALREADY_EXISTS, "route " + method + " " + pattern + " is already registered");
      case wabot::http::Router::AddResult::invalid_pattern:
        return Status::error(WABOT_ERR_INVALID_ARGUMENT, "invalid route pattern " + pattern);
    }
    return Status::error(WABOT_ERR_INTERNAL, "router returned an unknown result");
  }

 private:
  wabot::http::Router& router_;
};

}  // namespace wabot::plugins
