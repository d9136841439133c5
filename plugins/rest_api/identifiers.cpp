// SPDX-License-Identifier: GPL-3.0-or-later
// Validation and normalisation of agent ids, phones/JIDs and quoted message ids (docs/api.md).
#include "identifiers.hpp"

namespace rest_api {

namespace {
constexpr size_t max_input_chars = 256;  // nothing legitimate is longer; bounds all the work below

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool all_digits(std::string_view s, size_t min_len, size_t max_len) {
  if (s.size() < min_len || s.size() > max_len) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A stanza id: WhatsApp ids are upper-case hex today, but other clients use any alphanumerics.
bool valid_stanza_id(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s)
    if (!is_alnum(c)) return false;
  return true;
}
}  // namespace

bool valid_agent_id(std::string_view agent_id) {
  if (agent_id.empty() || agent_id.size() > 64) return false;
  for (char c : agent_id)
    if (!is_alnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

std::optional<std::string> normalize_jid(std::string_view input) {
  if (input.size() > max_input_chars) return std::nullopt;
  std::string_view s = trim(input);
  if (s.empty()) return std::nullopt;
  size_t at = s.find('@');
  if (at != std::string_view::npos) {
    std::string_view user = s.substr(0, at);
    std::string_view server = s.substr(at + 1);
    if (server == "c.us" || server == "s.whatsapp.net") {
      // A device suffix ("628...:3") names one device, not a chat: refused.
      if (!all_digits(user, 5, 20)) return std::nullopt;
      return std::string(user) + "@s.whatsapp.net";
    }
    if (server == "lid") {
      if (!all_digits(user, 1, 32)) return std::nullopt;
      return std::string(user) + "@lid";
    }
    if (server == "g.us") {
      // New groups are digits; old ones are "<creator>-<timestamp>".
      if (user.empty() || user.size() > 64) return std::nullopt;
      size_t dash = user.find('-');
      if (dash == std::string_view::npos) {
        if (!all_digits(user, 1, 64)) return std::nullopt;
      } else if (!all_digits(user.substr(0, dash), 1, 32) || !all_digits(user.substr(dash + 1), 1, 32)) {
        return std::nullopt;
      }
      return std::string(user) + "@g.us";
    }
    return std::nullopt;
  }
  std::string digits;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (is_digit(c)) digits.push_back(c);
    else if (c == '+' && i == 0) continue;
    else if (c == ' ' || c == '-' || c == '(' || c == ')') continue;
    else return std::nullopt;
  }
  if (!all_digits(digits, 5, 20)) return std::nullopt;  // E.164 has at most 15; leave room, refuse noise
  return digits + "@s.whatsapp.net";
}

std::optional<std::string> quoted_stanza_id(std::string_view input) {
  if (input.size() > max_input_chars) return std::nullopt;
  if (valid_stanza_id(input)) return std::string(input);
  // fromMe_remoteJid_id[_participant]: the JID holds no '_', so the id is the third field.
  size_t first = input.find('_');
  if (first == std::string_view::npos) return std::nullopt;
  std::string_view from_me = input.substr(0, first);
  if (from_me != "true" && from_me != "false") return std::nullopt;
  size_t second = input.find('_', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (!normalize_jid(input.substr(first + 1, second - first - 1))) return std::nullopt;
  std::string_view rest = input.substr(second + 1);
  size_t third = rest.find('_');
  std::string_view id = rest.substr(0, third);
  if (third != std::string_view::npos && !normalize_jid(rest.substr(third + 1))) return std::nullopt;
  if (!valid_stanza_id(id)) return std::nullopt;
  return std::string(id);
}

}  // namespace rest_api
