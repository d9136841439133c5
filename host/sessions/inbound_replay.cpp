// SPDX-License-Identifier: GPL-3.0-or-later
// Log rows <-> MESSAGE_RECEIVED events for the durable inbound path.
#include "host/sessions/inbound_replay.hpp"

namespace wabot::sessions {
namespace {

// The log's `type` column holds the engine's media kind name, or "text".
const char* log_type_of(wabot_message_type type) {
  switch (type) {
    case WABOT_MESSAGE_IMAGE: return "image";
    case WABOT_MESSAGE_VIDEO: return "video";
    case WABOT_MESSAGE_AUDIO: return "audio";
    case WABOT_MESSAGE_DOCUMENT: return "document";
    case WABOT_MESSAGE_STICKER: return "sticker";
    default: return "text";
  }
}

wabot_message_type message_type_of(const store::LoggedMessage& row) {
  if (row.type == "image") return WABOT_MESSAGE_IMAGE;
  if (row.type == "video") return WABOT_MESSAGE_VIDEO;
  if (row.type == "audio") return WABOT_MESSAGE_AUDIO;
  if (row.type == "document") return WABOT_MESSAGE_DOCUMENT;
  if (row.type == "sticker") return WABOT_MESSAGE_STICKER;
  if (row.type == "text" && row.text && !row.text->empty()) return WABOT_MESSAGE_TEXT;
  return WABOT_MESSAGE_OTHER;
}

}  // namespace

store::LoggedMessage log_row_of(const std::string& agent_id, const plugins::MessageData& data, std::int64_t now_ms) {
  store::LoggedMessage logged;
  logged.agent_id = agent_id;
  logged.message_id = data.id;
  logged.chat_jid = data.chat_jid;
  logged.sender_jid = data.sender_jid;
  logged.direction = data.is_from_me ? store::MessageDirection::outgoing : store::MessageDirection::incoming;
  logged.type = log_type_of(data.type);
  if (!data.text.empty()) logged.text = data.text;
  if (!data.quoted_message_id.empty()) logged.quoted_id = data.quoted_message_id;
  logged.timestamp_ms = data.timestamp_ms ? data.timestamp_ms : now_ms;
  logged.status = "received";
  logged.push_name = data.push_name;
  logged.mentions = data.mentioned_jids;
  logged.media_mime_type = data.media_mime_type;
  logged.is_group = data.is_group;
  return logged;
}

plugins::PluginEvent replayed_event(const store::LoggedMessage& row, std::int64_t now_ms) {
  plugins::MessageData data;
  data.id = row.message_id;
  data.chat_jid = row.chat_jid;
  data.sender_jid = row.sender_jid;
  data.push_name = row.push_name;
  data.type = message_type_of(row);
  data.text = row.text.value_or("");
  data.quoted_message_id = row.quoted_id.value_or("");
  data.mentioned_jids = row.mentions;
  data.media_mime_type = row.media_mime_type;
  data.timestamp_ms = row.timestamp_ms;
  data.is_group = row.is_group;
  data.is_from_me = row.direction == store::MessageDirection::outgoing;
  data.flags = WABOT_MESSAGE_FLAG_REPLAYED;
  plugins::PluginEvent event;
  event.kind = WABOT_EVENT_MESSAGE_RECEIVED;
  event.agent_id = row.agent_id;
  event.timestamp_ms = now_ms;
  event.message = std::move(data);
  return event;
}

store::Result<std::size_t> replay_inbound(store::Database& db, const std::string& agent_id, const InboundReplayWindow& window,
                                          std::int64_t now_ms, const std::function<void(plugins::PluginEvent)>& publish) {
  store::MessageLogRepository log_repo(db);
  auto rows = log_repo.received_between(agent_id, window.from_ms, window.before_ms, window.limit);
  if (!rows) return rows.error();
  for (const auto& row : *rows) publish(replayed_event(row, now_ms));
  return rows->size();
}

}  // namespace wabot::sessions
