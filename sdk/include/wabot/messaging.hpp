// SPDX-License-Identifier: MIT
// Messaging: blocking sends and typing through the "messaging" service.
#pragma once

#include <wabot/host.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wabot {

struct TextMessage {
  // Every member has a default, so designated initializers may name only what they need.
  std::string_view agent_id{}, to{}, text{};
  std::string_view quoted_message_id{};       // empty: no quote
  std::vector<std::string_view> mentions{};   // phones or JIDs
  std::string_view trace_id{};
  int64_t timeout_ms = 0;                     // 0: host default
};

struct MediaMessage {
  std::string_view agent_id{}, to{};
  std::string_view data{};                    // raw bytes
  std::string_view mime_type{}, file_name{}, caption{}, trace_id{};
  int64_t timeout_ms = 0;
};

class Messaging {
 public:
  explicit Messaging(const Host& host) noexcept : host_(&host), table_(host.service<wabot_messaging_service_v1>("messaging", 1)) {}

  // The acknowledged message id, or RATE_LIMITED / NOT_READY / BAD_GATEWAY / TIMEOUT / ...
  Result<std::string> send_text(const TextMessage& m) const {
    if (!table_) return detail::missing_service("messaging");
    std::vector<wabot_str_view> mentions;
    mentions.reserve(m.mentions.size());
    for (std::string_view s : m.mentions) mentions.push_back(to_view(s));
    wabot_send_text req{sizeof(req), to_view(m.agent_id), to_view(m.to), to_view(m.text), to_view(m.quoted_message_id),
                        mentions.empty() ? nullptr : mentions.data(), mentions.size(), to_view(m.trace_id), m.timeout_ms};
    wabot_message_id id{sizeof(id), {}, 0};
    wabot_status rc = table_->send_text(host_->raw(), &req, &id);
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to send text to ").append(m.to));
    return std::string(id.id, id.len < sizeof(id.id) ? id.len : sizeof(id.id));
  }
  Result<std::string> send_media(const MediaMessage& m) const {
    if (!table_) return detail::missing_service("messaging");
    wabot_send_media req{sizeof(req), to_view(m.agent_id), to_view(m.to),
                         {reinterpret_cast<const uint8_t*>(m.data.data()), m.data.size()},
                         to_view(m.mime_type), to_view(m.file_name), to_view(m.caption), to_view(m.trace_id), m.timeout_ms};
    wabot_message_id id{sizeof(id), {}, 0};
    wabot_status rc = table_->send_media(host_->raw(), &req, &id);
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to send media to ").append(m.to));
    return std::string(id.id, id.len < sizeof(id.id) ? id.len : sizeof(id.id));
  }
  Status set_typing(std::string_view agent_id, std::string_view chat_jid, wabot_typing_state state) const {
    if (!table_) return detail::missing_service("messaging");
    wabot_status rc = table_->set_typing(host_->raw(), to_view(agent_id), to_view(chat_jid), state);
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to set typing in ").append(chat_jid));
    return Status::ok();
  }

 private:
  const Host* host_;
  const wabot_messaging_service_v1* table_;
};

}  // namespace wabot
