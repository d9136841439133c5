// SPDX-License-Identifier: GPL-3.0-or-later
// The message log (`messages`): every WhatsApp message an agent received or sent, for quoting by id
// and for the per-session stats.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
  std::string status;             // received, sent, delivered, read, failed
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

 private:
  Database& db_;
  Clock clock_;
};

}  // namespace wabot::store
