// SPDX-License-Identifier: GPL-3.0-or-later
// Phone/JID normalisation for sends (api.md "Identifiers").
#include "host/sessions/recipient.hpp"

#include <vector>

namespace wabot::sessions {

namespace {

constexpr std::size_t kMaxInput = 128;   // nothing longer is a phone or a chat JID
constexpr std::size_t kMinDigits = 5, kMaxDigits = 20;

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

engine::Error invalid(std::string why) { return engine::Error(engine::ErrorCode::malformed, std::move(why)); }

}  // namespace

engine::Result<engine::Jid> parse_recipient(std::string_view text) {
  if (text.empty()) return invalid("recipient is empty");
  if (text.size() > kMaxInput) return invalid("recipient is longer than " + std::to_string(kMaxInput) + " characters");
  auto at = text.find('@');
  if (at == std::string_view::npos) {
    std::string digits;
    for (std::size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c >= '0' && c <= '9') digits += c;
      else if (c == '+' && digits.empty()) continue;
      else if (c == ' ' || c == '-' || c == '(' || c == ')') continue;
      else return invalid("recipient is neither a phone number nor a JID");
    }
    if (digits.size() < kMinDigits || digits.size() > kMaxDigits)
      return invalid("a phone number has " + std::to_string(kMinDigits) + " to " + std::to_string(kMaxDigits) + " digits");
    return engine::Jid(digits, engine::server::user);
  }
  std::string_view user = text.substr(0, at);
  std::string_view server = text.substr(at + 1);
  if (server == engine::server::legacy_user) server = engine::server::user;
  if (server == engine::server::user || server == engine::server::lid) {
    if (!all_digits(user) || user.size() > kMaxDigits) return invalid("a user JID needs a numeric user part");
  } else if (server == engine::server::group) {
    // Group ids are "<digits>" or the older "<creator>-<timestamp>".
    std::string_view rest = user;
    auto dash = rest.find('-');
    if (dash != std::string_view::npos) {
      if (!all_digits(rest.substr(0, dash)) || !all_digits(rest.substr(dash + 1))) return invalid("invalid group JID");
    } else if (!all_digits(rest)) {
      return invalid("invalid group JID");
    }
  } else {
    return invalid("unsupported JID server (use @s.whatsapp.net, @c.us, @g.us or @lid)");
  }
  return engine::Jid(std::string(user), server);
}

std::string quoted_stanza_id(std::string_view id) {
  if (id.empty() || id.size() > 256) return {};
  if (id.rfind("true_", 0) == 0 || id.rfind("false_", 0) == 0) {
    // fromMe_chat_id or fromMe_chat_id_participant: the id is the third part.
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
      auto pos = id.find('_', start);
      parts.push_back(id.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
      if (pos == std::string_view::npos) break;
      start = pos + 1;
    }
    return parts.size() >= 3 ? std::string(parts[2]) : std::string();
  }
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' || c == '-')) return {};
  return std::string(id);
}

}  // namespace wabot::sessions
