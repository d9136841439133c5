// SPDX-License-Identifier: GPL-3.0-or-later
// InboundFilter: the ignore rules, the group mention rule and the text-only rule, in the order of api.md.
#include "inbound_filter.hpp"

#include "jid.hpp"

namespace ai_forwarder {

std::string_view to_string(SkipReason r) {
  switch (r) {
    case SkipReason::kUnset: return "forward";
    case SkipReason::kStatusBroadcast: return "status broadcast";
    case SkipReason::kNewsletter: return "newsletter";
    case SkipReason::kFromMe: return "own message";
    case SkipReason::kTooOld: return "older than max_age";
    case SkipReason::kNotMentioned: return "group message without a mention of the bot";
    case SkipReason::kNotText: return "not text";
  }
  return "unknown";
}

namespace {

bool mentions_bot(const InboundMessage& m, const BotIdentity& bot) {
  std::string_view pn = jid::user(bot.pn_jid), lid = jid::user(bot.lid_jid);
  for (std::string_view j : m.mentioned_jids) {
    std::string_view u = jid::user(j), s = jid::server(j);
    if (!pn.empty() && u == pn && (s == "s.whatsapp.net" || s == "c.us")) return true;
    if (!lid.empty() && u == lid && s == "lid") return true;
  }
  // "its number appears in the text": WhatsApp renders a mention as "@<number>" (a LID mention as "@<lid>").
  if (!pn.empty() && m.text.find(pn) != std::string_view::npos) return true;
  if (!lid.empty() && m.text.find("@" + std::string(lid)) != std::string_view::npos) return true;
  return false;
}

}  // namespace

SkipReason classify_inbound(const InboundMessage& m, const BotIdentity& bot, int64_t now_ms, int64_t max_age_ms) {
  if (m.chat_jid == "status@broadcast" || m.sender_jid == "status@broadcast") return SkipReason::kStatusBroadcast;
  if (jid::server(m.chat_jid) == "newsletter") return SkipReason::kNewsletter;
  if (m.is_from_me) return SkipReason::kFromMe;
  // Another device of the bot's own account can show up without is_from_me on some paths.
  std::string_view su = jid::user(m.sender_jid), ss = jid::server(m.sender_jid);
  if (!bot.pn_jid.empty() && su == jid::user(bot.pn_jid) && ss == "s.whatsapp.net") return SkipReason::kFromMe;
  if (!bot.lid_jid.empty() && su == jid::user(bot.lid_jid) && ss == "lid") return SkipReason::kFromMe;
  if (m.timestamp_ms > 0 && max_age_ms > 0 && now_ms - m.timestamp_ms > max_age_ms) return SkipReason::kTooOld;
  bool group = m.is_group || jid::server(m.chat_jid) == "g.us";
  if (group && !mentions_bot(m, bot)) return SkipReason::kNotMentioned;
  if (!m.is_text || m.text.empty()) return SkipReason::kNotText;
  return SkipReason::kUnset;
}

}  // namespace ai_forwarder
