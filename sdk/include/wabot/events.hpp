// SPDX-License-Identifier: MIT
// Events: the subscription call ("events" service) and read-only wrappers over the borrowed event
// structs handed to on_message / on_event.
#pragma once

#include <wabot/host.hpp>

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace wabot {

class Message {
 public:
  explicit Message(const wabot_message& raw) noexcept : raw_(&raw) {}
  std::string_view id() const noexcept { return from_view(raw_->id); }
  std::string_view chat_jid() const noexcept { return from_view(raw_->chat_jid); }
  std::string_view sender_jid() const noexcept { return from_view(raw_->sender_jid); }
  std::string_view push_name() const noexcept { return from_view(raw_->push_name); }
  wabot_message_type type() const noexcept { return raw_->type; }
  std::string_view text() const noexcept { return from_view(raw_->text); }
  std::string_view quoted_message_id() const noexcept { return from_view(raw_->quoted_message_id); }
  std::vector<std::string_view> mentioned_jids() const {
    std::vector<std::string_view> out;
    for (size_t i = 0; raw_->mentioned_jids && i < raw_->mentioned_count; ++i) out.push_back(from_view(raw_->mentioned_jids[i]));
    return out;
  }
  std::string_view media_mime_type() const noexcept { return from_view(raw_->media_mime_type); }
  int64_t timestamp_ms() const noexcept { return raw_->timestamp_ms; }
  bool is_group() const noexcept { return raw_->is_group != 0; }
  bool is_from_me() const noexcept { return raw_->is_from_me != 0; }
  // (1.3) WABOT_MESSAGE_FLAG_* bits; 0 from an older host.
  uint32_t flags() const noexcept { return WABOT_HAS_FIELD(wabot_message, raw_, flags) ? raw_->flags : 0u; }
  // (1.3) Published again after a restart (not every plugin had finished with it): de-duplicate by id.
  bool is_replayed() const noexcept { return (flags() & WABOT_MESSAGE_FLAG_REPLAYED) != 0; }
  const wabot_message& raw() const noexcept { return *raw_; }

 private:
  const wabot_message* raw_;
};

// Valid only during the hook that received it.
class Event {
 public:
  explicit Event(const wabot_event& raw) noexcept : raw_(&raw) {}
  wabot_event_kind kind() const noexcept { return raw_->kind; }
  std::string_view agent_id() const noexcept { return from_view(raw_->agent_id); }
  std::string_view trace_id() const noexcept { return from_view(raw_->trace_id); }
  int64_t timestamp_ms() const noexcept { return raw_->timestamp_ms; }
  bool has_message() const noexcept { return raw_->message != nullptr; }
  Message message() const noexcept { return Message(*raw_->message); }  // only when has_message()
  const wabot_receipt* receipt() const noexcept { return raw_->receipt; }
  const wabot_session_state_change* session_state() const noexcept { return raw_->session_state; }
  const wabot_qr_update* qr() const noexcept { return raw_->qr; }
  // (1.1) NULL from a 1.0 host or for other kinds.
  const wabot_ai_execution* ai_execution() const noexcept {
    return WABOT_HAS_FIELD(wabot_event, raw_, ai_execution) ? raw_->ai_execution : nullptr;
  }
  const wabot_http_request_record* http_request() const noexcept {
    return WABOT_HAS_FIELD(wabot_event, raw_, http_request) ? raw_->http_request : nullptr;
  }
  const wabot_event& raw() const noexcept { return *raw_; }

 private:
  const wabot_event* raw_;
};

class Events {
 public:
  explicit Events(const Host& host) noexcept : host_(&host), table_(host.service<wabot_events_service_v1>("events", 1)) {}

  // Delivers these kinds to the plugin's on_event (replacing an earlier choice).
  Status subscribe(std::initializer_list<wabot_event_kind> kinds) const {
    if (!table_) return detail::missing_service("events");
    uint32_t mask = 0;
    for (wabot_event_kind k : kinds) mask |= WABOT_EVENT_BIT(k);
    wabot_status rc = table_->subscribe(host_->raw(), mask);
    if (rc != WABOT_OK) return host_->failure(rc, "failed to subscribe to events");
    return Status::ok();
  }

 private:
  const Host* host_;
  const wabot_events_service_v1* table_;
};

}  // namespace wabot
