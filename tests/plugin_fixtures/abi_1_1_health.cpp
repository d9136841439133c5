// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture: a plugin as it was built against ABI 1.1, before the health snapshot grew (1.2). Its
// descriptor says minor 1 and it knows wabot_health only up to plugin_count (its own copy of the 1.1
// layout below), so loading it and taking a snapshot shows the 1.2 host still serves 1.1 plugins.
#include "raw_descriptor.hpp"

#include <cstddef>
#include <cstring>

namespace {

// wabot_health exactly as abi.h 1.1 declared it.
struct health_v1_1 {
  size_t struct_size;
  wabot_str_view host_version;
  int64_t uptime_ms;
  int64_t now_ms;
  wabot_component_state database;
  wabot_str_view database_detail;
  uint64_t sessions;
  uint64_t sessions_connected;
  const wabot_plugin_info* const* plugins;
  size_t plugin_count;
};
static_assert(sizeof(health_v1_1) == offsetof(wabot_health, decrypt_failures), "1.1 ends where 1.2 appends");

const wabot_host_api* g_api = nullptr;
wabot_host* g_host = nullptr;

// What the last snapshot showed, for the test (read through the exported function below).
struct Seen {
  int32_t status = WABOT_STATUS_UNSET;
  size_t struct_size = 0;
  uint64_t sessions = 0, sessions_connected = 0;
  size_t plugin_count = 0;
  char host_version[32] = {};
} g_seen;

void visit(void*, const wabot_health* h) {
  // A 1.1 build reads through its own (shorter) struct and only what its size covers.
  const auto* old = reinterpret_cast<const health_v1_1*>(h);
  if (old->struct_size < sizeof(health_v1_1)) return;
  g_seen.struct_size = old->struct_size;
  g_seen.sessions = old->sessions;
  g_seen.sessions_connected = old->sessions_connected;
  g_seen.plugin_count = old->plugin_count;
  size_t n = old->host_version.len < sizeof(g_seen.host_version) - 1 ? old->host_version.len : sizeof(g_seen.host_version) - 1;
  if (n) std::memcpy(g_seen.host_version, old->host_version.ptr, n);
}

wabot_status create(const wabot_host_api* api, wabot_host* host, wabot_plugin_state** out_state) {
  g_api = api;
  g_host = host;
  *out_state = nullptr;
  return WABOT_OK;
}

wabot_status start(wabot_plugin_state*) {
  const auto* health = static_cast<const wabot_health_service_v1*>(g_api->get_service(g_host, {"health", 6}, 1));
  if (!health) return WABOT_ERR_UNSUPPORTED;
  g_seen.status = health->snapshot(g_host, &visit, nullptr);
  return g_seen.status;
}

}  // namespace

// Test control (not part of any plugin contract): what start's snapshot showed.
extern "C" WABOT_EXPORT int abi_1_1_health_seen(uint64_t* sessions, uint64_t* connected, size_t* plugin_count,
                                                 size_t* struct_size, const char** host_version) {
  *sessions = g_seen.sessions;
  *connected = g_seen.sessions_connected;
  *plugin_count = g_seen.plugin_count;
  *struct_size = g_seen.struct_size;
  *host_version = g_seen.host_version;
  return g_seen.status;
}

extern "C" WABOT_EXPORT const wabot_plugin_descriptor* wabot_plugin_v1(void) {
  static const wabot_plugin_descriptor d = [] {
    auto x = fixture::valid_descriptor("abi_1_1_health");
    x.abi_minor = 1;
    x.create = &create;
    x.start = &start;
    return x;
  }();
  return &d;
}
