// SPDX-License-Identifier: GPL-3.0-or-later
// Jid: a WhatsApp address (user, agent, device, integrator, server) with parse/format in whatsmeow's form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "host/engine/types/result.hpp"

namespace wabot::engine {

namespace server {
inline constexpr std::string_view user = "s.whatsapp.net";   // phone-number (PN) users
inline constexpr std::string_view lid = "lid";               // hidden users (LID)
inline constexpr std::string_view group = "g.us";
inline constexpr std::string_view broadcast = "broadcast";
inline constexpr std::string_view legacy_user = "c.us";
inline constexpr std::string_view newsletter = "newsletter";
inline constexpr std::string_view hosted = "hosted";
inline constexpr std::string_view hosted_lid = "hosted.lid";
inline constexpr std::string_view messenger = "msgr";
inline constexpr std::string_view interop = "interop";
inline constexpr std::string_view bot = "bot";
}  // namespace server

struct Jid {
  std::string user;
  std::string server;
  std::uint8_t agent = 0;        // raw agent byte of an AD-JID (0 for normal users)
  std::uint16_t device = 0;      // 0 = the primary device
  std::uint16_t integrator = 0;  // interop JIDs only

  Jid() = default;
  Jid(std::string u, std::string_view s, std::uint16_t dev = 0) : user(std::move(u)), server(s), device(dev) {}

  // "user[.agent][:device]@server", "integrator-user:device@interop", or just "server" without a user.
  // Rejects empty input, an empty server, and out-of-range numbers.
  static Result<Jid> parse(std::string_view text);
  std::string to_string() const;

  bool empty() const { return server.empty(); }
  bool is_pn() const { return server == server::user; }
  bool is_lid() const { return server == server::lid; }
  bool is_group() const { return server == server::group; }
  bool is_broadcast() const { return server == server::broadcast; }
  bool is_server() const { return user.empty() && !server.empty(); }
  // The same user without the device (and agent): the account's primary address.
  Jid to_non_ad() const;
  // The AD-JID domain byte of this server (0 PN, 1 LID, 128 hosted, 129 hosted.lid, else the raw agent).
  std::uint8_t ad_domain() const;
  // WhatsApp encodes these as AD_JID on the wire (device > 0 on PN/LID, or any hosted server).
  bool wire_uses_ad_form() const;

  bool operator==(const Jid&) const = default;
};

// The server JID "s.whatsapp.net" (no user), the usual `to` of iqs.
Jid server_jid();

}  // namespace wabot::engine
