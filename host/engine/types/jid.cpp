// SPDX-License-Identifier: GPL-3.0-or-later
// Parsing and formatting of WhatsApp JIDs.
#include "host/engine/types/jid.hpp"

#include <charconv>

namespace wabot::engine {

namespace {

template <class T>
bool parse_uint(std::string_view s, T max, T& out) {
  if (s.empty() || s.size() > 10) return false;
  unsigned long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > static_cast<unsigned long>(max)) return false;
  out = static_cast<T>(v);
  return true;
}

}  // namespace

Result<Jid> Jid::parse(std::string_view text) {
  if (text.empty()) return Error(ErrorCode::malformed, "empty JID");
  if (text.size() > 256) return Error(ErrorCode::too_large, "JID longer than 256 characters");
  Jid jid;
  auto at = text.find('@');
  if (at == std::string_view::npos) {
    jid.server = std::string(text);
    return jid;
  }
  std::string_view user = text.substr(0, at);
  std::string_view srv = text.substr(at + 1);
  if (srv.empty() || srv.find('@') != std::string_view::npos)
    return Error(ErrorCode::malformed, "invalid server in JID '" + std::string(text) + "'");
  jid.server = std::string(srv);
  if (srv == server::interop) {
    // integrator-user:device@interop
    auto dash = user.find('-');
    auto colon = user.rfind(':');
    if (dash == std::string_view::npos || colon == std::string_view::npos || colon < dash ||
        !parse_uint<std::uint16_t>(user.substr(0, dash), 0xFFFF, jid.integrator) ||
        !parse_uint<std::uint16_t>(user.substr(colon + 1), 0xFFFF, jid.device))
      return Error(ErrorCode::malformed, "invalid interop JID '" + std::string(text) + "'");
    jid.user = std::string(user.substr(dash + 1, colon - dash - 1));
    return jid;
  }
  auto colon = user.find(':');
  if (colon != std::string_view::npos) {
    if (!parse_uint<std::uint16_t>(user.substr(colon + 1), 0xFFFF, jid.device))
      return Error(ErrorCode::malformed, "invalid device in JID '" + std::string(text) + "'");
    user = user.substr(0, colon);
  }
  // An agent suffix only exists on user servers (PN/LID/hosted); group ids like "123-456" keep dots.
  if (srv == server::user || srv == server::lid || srv == server::hosted || srv == server::hosted_lid) {
    auto dot = user.find('.');
    if (dot != std::string_view::npos) {
      if (!parse_uint<std::uint8_t>(user.substr(dot + 1), 0xFF, jid.agent))
        return Error(ErrorCode::malformed, "invalid agent in JID '" + std::string(text) + "'");
      user = user.substr(0, dot);
    }
  }
  jid.user = std::string(user);
  return jid;
}

std::string Jid::to_string() const {
  if (server == server::interop && !user.empty())
    return std::to_string(integrator) + "-" + user + ":" + std::to_string(device) + "@" + server;
  if (user.empty()) return server;
  std::string out = user;
  if (agent > 0) out += "." + std::to_string(agent);
  if (device > 0) out += ":" + std::to_string(device);
  out += "@";
  out += server;
  return out;
}

Jid Jid::to_non_ad() const {
  Jid j;
  j.user = user;
  j.server = server;
  j.integrator = integrator;
  return j;
}

std::uint8_t Jid::ad_domain() const {
  if (server == server::user) return 0;  // whatsmeow's ActualAgent: the agent has no place on PN JIDs
  if (server == server::lid) return 1;
  if (server == server::hosted) return 128;
  if (server == server::hosted_lid) return 129;
  return agent;
}

bool Jid::wire_uses_ad_form() const {
  if ((server == server::user || server == server::lid) && (device > 0 || agent > 0)) return true;
  return server == server::hosted || server == server::hosted_lid;
}

Jid server_jid() { return Jid("", server::user); }

}  // namespace wabot::engine
