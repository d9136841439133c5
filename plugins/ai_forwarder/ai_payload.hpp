// SPDX-License-Identifier: GPL-3.0-or-later
// AiPayload: the JSON bodies sent to the AI backend (docs/api.md, "/run" and "Inbound messages").
#pragma once

#include <string>
#include <string_view>

namespace ai_forwarder {

struct InboundPayload {
  std::string_view agent_id, trace_id, text, sender_jid, chat_jid, message_id, push_name;
  bool is_group = false;
};

// {"input","parameters":{"max_steps":5},"session_id","metadata":{agentId,traceId,source:"whatsapp",chatId,isGroup,messageId,pushName}}
std::string inbound_payload_json(const InboundPayload& p);

// {"input","parameters","session_id","metadata":{agentId,traceId,source:"api"}}; `parameters_json` is
// an already-validated JSON object.
std::string run_payload_json(std::string_view agent_id, std::string_view trace_id, std::string_view input,
                             std::string_view session_id, std::string_view parameters_json);

// A JSON string literal (with quotes) for `s`.
std::string json_string(std::string_view s);

}  // namespace ai_forwarder
