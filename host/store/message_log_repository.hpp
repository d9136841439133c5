// SPDX-License-Identifier: GPL-3.0-or-later
// The message log (`messages`): every WhatsApp message an agent received or sent, for quoting by id
// and for the per-session stats.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/store/clock.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

enum class MessageDirection { unset = 0, incoming, outgoing };

struct LoggedMessage {
  std::string agent_id;
  std::string message_id;  // the WhatsApp stanza id
  std::string chat_jid;
  std::string sender_jid;
  MessageDirection direction = MessageDirection::unset;
  std::string type;  // text, image, video, audio, document, ...
  std::optional<std::string> text;
  std::optional<std::string> quoted_id;
  std::int64_t timestamp_ms = 0;  // the message's own timestamp
  std::string status;             // received, dispatched (every plugin handled it), sent, delivered, read, failed
  // Migration 12: what a replayed MESSAGE_RECEIVED event needs.
  std::string push_name;
  std::vector<std::string> mentions;  // JIDs
  std::string media_mime_type;
  bool is_group = false;
  std::int64_t created_at_ms = 0;  // when it was logged (set by append; read back by find/received_between)
};

struct MessageStats {
  std::int64_t incoming = 0;
  std::int64_t outgoing = 0;
  std::optional<std::int64_t> last_activity_ms;  // newest message timestamp; nullopt when none
};

class MessageLogRepository {
 public:
  explicit MessageLogRepository(Database& db, Clock clock = system_clock()) : db_(db), clock_(std::move(clock)) {}

  // True when stored; false when (agent_id, message_id) was already logged (redelivery).
  Result<bool> append(const LoggedMessage& message);
  Result<std::optional<LoggedMessage>> find(std::string_view agent_id, std::string_view message_id);
  // False when no such message.
  Result<bool> update_status(std::string_view agent_id, std::string_view message_id, std::string_view status);
  Result<MessageStats> stats(std::string_view agent_id);
  // The agent's messages still "received" (logged, not every plugin done with them) that were logged
  // in [from_ms, before_ms), oldest first, at most `limit` (so a replay never loads without bound).
  Result<std::vector<LoggedMessage>> received_between(std::string_view agent_id, std::int64_t from_ms,
                                                      std::int64_t before_ms, std::size_t limit);

 private:
  Database& db_;
  Clock clock_;
};

}  // namespace wabot::store
