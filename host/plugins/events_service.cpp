// SPDX-License-Identifier: GPL-3.0-or-later
// The "events" service: a plugin chooses which event kinds reach its on_event.
#include "host/plugins/host_call.hpp"
#include "host/plugins/services.hpp"

namespace wabot::plugins {

namespace {

constexpr uint32_t known_kinds = WABOT_EVENT_BIT(WABOT_EVENT_MESSAGE_RECEIVED) | WABOT_EVENT_BIT(WABOT_EVENT_MESSAGE_SENT) |
                                 WABOT_EVENT_BIT(WABOT_EVENT_RECEIPT) | WABOT_EVENT_BIT(WABOT_EVENT_SESSION_STATE) |
                                 WABOT_EVENT_BIT(WABOT_EVENT_QR_UPDATED) | WABOT_EVENT_BIT(WABOT_EVENT_AI_EXECUTION) |
                                 WABOT_EVENT_BIT(WABOT_EVENT_HTTP_REQUEST);  // 1.1

wabot_status subscribe(wabot_host* host, uint32_t kind_mask) {
  return host_call::guarded("events.subscribe", [&] {
    if (!host_call::valid_handle(host)) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid host handle");
    if (kind_mask & ~known_kinds)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "unknown event kinds in mask " + std::to_string(kind_mask));
    if (kind_mask && !host->plugin->on_event_hook())
      return host_call::fail(WABOT_ERR_UNSUPPORTED, "plugin " + host->plugin->name() + " has no on_event");
    host->plugin->set_subscription_mask(kind_mask);
    return host_call::ok();
  });
}

constexpr wabot_events_service_v1 table{sizeof(wabot_events_service_v1), &subscribe};

}  // namespace

const wabot_events_service_v1* events_service() { return &table; }

}  // namespace wabot::plugins
