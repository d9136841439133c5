// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture: raw hooks (no SDK wrappers) whose on_event throws a C++ exception into the host and whose
// on_message returns an error with a message: both must be logged and counted, the host carrying on.
#include "raw_descriptor.hpp"

#include <stdexcept>

namespace {

const wabot_host_api* g_api = nullptr;
wabot_host* g_host = nullptr;

wabot_status create(const wabot_host_api* api, wabot_host* host, wabot_plugin_state** out_state) {
  g_api = api;
  g_host = host;
  auto* events = static_cast<const wabot_events_service_v1*>(api->get_service(host, {"events", 6}, 1));
  if (!events) return WABOT_ERR_UNSUPPORTED;
  *out_state = nullptr;
  return events->subscribe(host, WABOT_EVENT_BIT(WABOT_EVENT_SESSION_STATE));
}

wabot_status on_event(wabot_plugin_state*, const wabot_event*) { throw std::runtime_error("on_event blew up"); }

wabot_status on_message(wabot_plugin_state*, const wabot_event*) {
  g_api->set_error(g_host, {"cannot handle messages", 22});
  return WABOT_ERR_RETRY;
}

}  // namespace

extern "C" WABOT_EXPORT const wabot_plugin_descriptor* wabot_plugin_v1(void) {
  static const wabot_plugin_descriptor d = [] {
    auto x = fixture::valid_descriptor("throws_in_event");
    x.create = &create;
    x.on_event = &on_event;
    x.on_message = &on_message;
    return x;
  }();
  return &d;
}
