// SPDX-License-Identifier: GPL-3.0-or-later
// HostBackends: what the application hands the plugin layer: the other layers behind the SDK services
// (each may be null: its service then answers UNSUPPORTED) and the read-only shared config keys.
#pragma once

#include "host/plugins/health_backend.hpp"
#include "host/plugins/messaging_backend.hpp"
#include "host/plugins/route_registry.hpp"
#include "host/plugins/sessions_backend.hpp"
#include "host/plugins/store_backend.hpp"

#include <functional>
#include <map>
#include <string>

namespace wabot::plugins {

struct HostBackends {
  RouteRegistry* routes = nullptr;
  SessionsBackend* sessions = nullptr;
  MessagingBackend* messaging = nullptr;
  HealthBackend* health = nullptr;
  StoreBackend* store = nullptr;
  // Flat dotted keys every plugin may read: "media.temp_dir", "media.max_bytes", "ai.backend_url",
  // "ai.timeout", ... Never secrets.
  std::map<std::string, std::string, std::less<>> shared_config;
  std::string host_version = "0.0.0";
};

}  // namespace wabot::plugins
