// SPDX-License-Identifier: GPL-3.0-or-later
// MessagingBackend: what the SDK's "messaging" service needs from the sessions layer (the agent's
// rate-limited send queue). Sends block until the server acknowledged or failed.
#pragma once

#include <wabot/status.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace wabot::plugins {

struct TextSend {
  std::string agent_id, to, text, quoted_message_id;
  std::vector<std::string> mentions;
  std::string trace_id;
  int64_t timeout_ms = 0;  // 0: the backend's default
};

struct MediaSend {
  std::string agent_id, to;
  std::string data;  // raw bytes
  std::string mime_type, file_name, caption, trace_id;
  int64_t timeout_ms = 0;
};

class MessagingBackend {
 public:
  virtual ~MessagingBackend() = default;
  // The acknowledged stanza id, or NOT_FOUND / NOT_READY / RATE_LIMITED / INVALID_ARGUMENT / TOO_LARGE /
  // BAD_GATEWAY / TIMEOUT with a message.
  virtual Result<std::string> send_text(const TextSend& send) = 0;
  virtual Result<std::string> send_media(const MediaSend& send) = 0;
  virtual Status set_typing(const std::string& agent_id, const std::string& chat_jid, wabot_typing_state state) = 0;
};

}  // namespace wabot::plugins
