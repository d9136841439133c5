// SPDX-License-Identifier: GPL-3.0-or-later
// Jid helpers: small string work on WhatsApp JIDs.
#include "jid.hpp"

#include <cctype>

namespace ai_forwarder::jid {

std::string_view user(std::string_view j) {
  size_t at = j.find('@');
  std::string_view u = at == std::string_view::npos ? j : j.substr(0, at);
  size_t colon = u.find(':');
  return colon == std::string_view::npos ? u : u.substr(0, colon);
}

std::string_view server(std::string_view j) {
  size_t at = j.find('@');
  return at == std::string_view::npos ? std::string_view{} : j.substr(at + 1);
}

namespace {
bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}
}  // namespace

std::optional<std::string> normalize(std::string_view t) {
  if (t.empty() || t.size() > 128) return std::nullopt;
  size_t at = t.find('@');
  if (at == std::string_view::npos) {
    std::string digits;
    for (size_t i = 0; i < t.size(); ++i) {
      char c = t[i];
      if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
      else if (c == '+' && digits.empty()) continue;
      else if (c == ' ' || c == '-' || c == '(' || c == ')') continue;
      else return std::nullopt;
    }
    if (digits.size() < 5 || digits.size() > 20) return std::nullopt;
    return digits + "@s.whatsapp.net";
  }
  std::string_view u = t.substr(0, at), s = t.substr(at + 1);
  if (s == "c.us" || s == "s.whatsapp.net") {
    if (!all_digits(u)) return std::nullopt;
    return std::string(u) + "@s.whatsapp.net";
  }
  if (s == "lid") {
    if (!all_digits(u)) return std::nullopt;
    return std::string(t);
  }
  if (s == "g.us") {
    // Group ids are digits, older ones "creator-timestamp".
    for (char c : u)
      if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-') return std::nullopt;
    if (u.empty()) return std::nullopt;
    return std::string(t);
  }
  return std::nullopt;
}

}  // namespace ai_forwarder::jid
