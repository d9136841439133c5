// SPDX-License-Identifier: GPL-3.0-or-later
// PluginEvent: an event the host publishes to plugins, owning its data (it waits in per-plugin queues),
// and EventView, the borrowed wabot_event built from it for one hook call.
#pragma once

#include <wabot/abi.h>

#include "host/plugins/dispatch_report.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wabot::plugins {

struct MessageData {
  std::string id, chat_jid, sender_jid, push_name;
  wabot_message_type type = WABOT_MESSAGE_UNSET;
  std::string text, quoted_message_id;
  std::vector<std::string> mentioned_jids;
  std::string media_mime_type;
  int64_t timestamp_ms = 0;
  bool is_group = false, is_from_me = false;
  uint32_t flags = 0;  // WABOT_MESSAGE_FLAG_* (1.3)
};

struct ReceiptData {
  std::string chat_jid, sender_jid;
  std::vector<std::string> message_ids;
  wabot_receipt_type type = WABOT_RECEIPT_UNSET;
  int64_t timestamp_ms = 0;
};

struct SessionStateData {
  wabot_session_state previous = WABOT_SESSION_UNSET, current = WABOT_SESSION_UNSET;
  std::string reason;
};

struct QrData {
  std::string text, png;
  int64_t updated_at_ms = 0, expires_at_ms = 0;
};

struct AiExecutionData {  // (1.1)
  std::string agent_id, trace_id, source, session_id;
  int64_t started_at_ms = 0, latency_ms = 0;
  int32_t http_status = 0;
  std::string error_code, error_message;
};

struct HttpRequestData {  // (1.1)
  std::string method, route;
  int32_t status = 0;
  int64_t duration_ms = 0;
};

struct PluginEvent {
  wabot_event_kind kind = WABOT_EVENT_UNSET;
  std::string agent_id, trace_id;
  int64_t timestamp_ms = 0;
  std::optional<MessageData> message;            // MESSAGE_RECEIVED, MESSAGE_SENT
  std::optional<ReceiptData> receipt;            // RECEIPT
  std::optional<SessionStateData> session_state; // SESSION_STATE
  std::optional<QrData> qr;                      // QR_UPDATED
  std::optional<AiExecutionData> ai_execution;   // AI_EXECUTION (1.1)
  std::optional<HttpRequestData> http_request;   // HTTP_REQUEST (1.1)
  // Called once every plugin queue the event was posted to has run it (or dropped it); never when no
  // queue ran it before the host stopped. Runs on the last queue's thread (or the publisher's).
  DispatchDone on_dispatched;
};

// The C view of one PluginEvent; points into it, so it must not outlive it. Not copyable (it points
// into itself).
class EventView {
 public:
  explicit EventView(const PluginEvent& event);
  EventView(const EventView&) = delete;
  EventView& operator=(const EventView&) = delete;
  const wabot_event* get() const { return &event_; }

 private:
  wabot_event event_{};
  wabot_message message_{};
  std::vector<wabot_str_view> mentions_;
  wabot_receipt receipt_{};
  std::vector<wabot_str_view> receipt_ids_;
  wabot_session_state_change state_{};
  wabot_qr_update qr_{};
  wabot_ai_execution ai_{};
  wabot_http_request_record http_{};
};

}  // namespace wabot::plugins
