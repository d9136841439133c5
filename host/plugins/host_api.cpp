// SPDX-License-Identifier: GPL-3.0-or-later
// The host API table: services by name and major, the thread's last error, and set_error.
#include "host/plugins/host_call.hpp"
#include "host/plugins/services.hpp"

#include <string_view>

namespace wabot::plugins {

namespace host_call {
std::string& last_error() {
  thread_local std::string error;
  return error;
}
std::string& plugin_error() {
  thread_local std::string error;
  return error;
}
std::string take_plugin_error() {
  std::string e = std::move(plugin_error());
  plugin_error().clear();
  return e;
}
}  // namespace host_call

namespace {

const void* get_service(wabot_host*, wabot_str_view name, uint32_t major) {
  if (major != 1 || !host_call::valid_view(name)) return nullptr;  // every service is at v1 so far
  std::string_view n = from_view(name);
  if (n == "log") return log_service();
  if (n == "config") return config_service();
  if (n == "http") return http_service();
  if (n == "events") return events_service();
  if (n == "sessions") return sessions_service();
  if (n == "messaging") return messaging_service();
  if (n == "scheduler") return scheduler_service();
  if (n == "health") return health_service();
  if (n == "store") return store_service();
  return nullptr;
}

wabot_str_view last_error(wabot_host*) { return to_view(host_call::last_error()); }

void set_error(wabot_host*, wabot_str_view message) {
  if (!host_call::valid_view(message)) return;
  try {
    // Bounded: a plugin's message goes into one log line.
    host_call::plugin_error().assign(message.ptr, message.len < 2048 ? message.len : 2048);
  } catch (...) {
  }
}

constexpr wabot_host_api api{sizeof(wabot_host_api), WABOT_ABI_VERSION_MAJOR, WABOT_ABI_VERSION_MINOR, &get_service,
                             &last_error, &set_error};

}  // namespace

const wabot_host_api* host_api() { return &api; }

}  // namespace wabot::plugins
