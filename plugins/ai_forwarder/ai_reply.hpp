// SPDX-License-Identifier: GPL-3.0-or-later
// AiReply: extracts the reply text from an AI backend's response body in the order docs/api.md gives.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ai_forwarder {

struct AiReply {
  bool usable = false;               // false: the body could not be read (malformed JSON, JSON that is not an object)
  std::optional<std::string> reply;  // the first non-empty string; nullopt when the body had none
  std::string problem;               // why it is not usable
};

// The first non-empty string of: a plain-string body (text that is not JSON, or a JSON string);
// `reply`; `output`; `response`; `text`; `message`; the same keys under `data`. A body that starts like
// JSON ('{', '[', '"') but does not parse is not usable; an empty body is usable with no reply.
AiReply parse_ai_reply(std::string_view body);

}  // namespace ai_forwarder
