// SPDX-License-Identifier: GPL-3.0-or-later
// AiPayload: fixed key order so the wire shape is stable and testable byte for byte.
#include "ai_payload.hpp"

#include <cstdio>

namespace ai_forwarder {

std::string json_string(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);  // UTF-8 passes through
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string inbound_payload_json(const InboundPayload& p) {
  std::string out = "{\"input\":" + json_string(p.text) + ",\"session_id\":" + json_string(p.sender_jid) +
                    ",\"parameters\":{\"max_steps\":5},\"metadata\":{\"agentId\":" + json_string(p.agent_id) +
                    ",\"traceId\":" + json_string(p.trace_id) + ",\"source\":\"whatsapp\",\"chatId\":" +
                    json_string(p.chat_jid) + ",\"isGroup\":" + (p.is_group ? "true" : "false") +
                    ",\"messageId\":" + json_string(p.message_id) + ",\"pushName\":" + json_string(p.push_name) + "}}";
  return out;
}

std::string run_payload_json(std::string_view agent_id, std::string_view trace_id, std::string_view input,
                             std::string_view session_id, std::string_view parameters_json) {
  return "{\"input\":" + json_string(input) + ",\"parameters\":" + std::string(parameters_json) +
         ",\"session_id\":" + json_string(session_id) + ",\"metadata\":{\"agentId\":" + json_string(agent_id) +
         ",\"traceId\":" + json_string(trace_id) + ",\"source\":\"api\"}}";
}

}  // namespace ai_forwarder
