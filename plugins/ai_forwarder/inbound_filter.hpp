// SPDX-License-Identifier: GPL-3.0-or-later
// InboundFilter: steps 1-3 of docs/api.md "Inbound messages": which received messages go to the AI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ai_forwarder {

struct InboundMessage {
  std::string_view chat_jid, sender_jid, text;
  bool is_text = false;
  bool is_group = false;
  bool is_from_me = false;
  int64_t timestamp_ms = 0;  // 0: unknown (not treated as old)
  std::vector<std::string_view> mentioned_jids;
};

struct BotIdentity {
  std::string pn_jid;   // "6281...:12@s.whatsapp.net" or bare; empty when not paired
  std::string lid_jid;  // "1234@lid"; empty when unknown
};

enum class SkipReason {
  kUnset = 0,      // forward it
  kStatusBroadcast,
  kNewsletter,
  kFromMe,
  kTooOld,
  kNotMentioned,   // a group message that neither mentions the bot nor names its number
  kNotText,
};

std::string_view to_string(SkipReason r);

SkipReason classify_inbound(const InboundMessage& m, const BotIdentity& bot, int64_t now_ms, int64_t max_age_ms);

}  // namespace ai_forwarder
