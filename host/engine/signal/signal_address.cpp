// SPDX-License-Identifier: GPL-3.0-or-later
// Signal address formation from JIDs (wm:types/jid.go SignalAddressUser, bl:jidToSignalProtocolAddress).
#include "host/engine/signal/signal_address.hpp"

#include <charconv>
#include <string>

namespace wabot::engine::signal {

const char* to_string(SignalErrorCode code) {
  switch (code) {
    case SignalErrorCode::unset: return "unset";
    case SignalErrorCode::invalid_input: return "invalid_input";
    case SignalErrorCode::store_failed: return "store_failed";
    case SignalErrorCode::missing_local_identity: return "missing_local_identity";
    case SignalErrorCode::no_session: return "no_session";
    case SignalErrorCode::invalid_message: return "invalid_message";
    case SignalErrorCode::invalid_key: return "invalid_key";
    case SignalErrorCode::duplicate_message: return "duplicate_message";
    case SignalErrorCode::untrusted_identity: return "untrusted_identity";
    case SignalErrorCode::internal: return "internal";
  }
  return "unknown";
}

namespace {
SignalError bad(std::string message) { return {SignalErrorCode::invalid_input, std::move(message)}; }
}  // namespace

Result<SignalAddress, SignalError> signal_address_for(std::string_view user, std::string_view server, std::int32_t device) {
  // Users are digits on every server that has Signal identities; anything else is refused, which
  // also keeps the "_" suffix unambiguous.
  if (user.empty() || user.size() > 64) return bad("invalid JID user for a Signal address");
  for (char ch : user) {
    if (ch < '0' || ch > '9') return bad("invalid JID user for a Signal address: not all digits");
  }
  if (device < 0 || device > 0xFFFF) return bad("invalid device number for a Signal address");
  std::string name(user);
  if (server == "s.whatsapp.net") {
  } else if (server == "lid") {
    name += "_1";
  } else if (server == "hosted") {
    name += "_128";
  } else if (server == "hosted.lid") {
    name += "_129";
  } else {
    return bad("server '" + std::string(server) + "' has no Signal addresses");
  }
  return SignalAddress{std::move(name), device};
}

Result<SignalAddress, SignalError> signal_address_from_jid(std::string_view jid) {
  auto at = jid.find('@');
  if (at == std::string_view::npos || at == 0) return bad("invalid JID (no user@server)");
  std::string_view server = jid.substr(at + 1);
  std::string_view user_part = jid.substr(0, at);
  std::int32_t device = 0;
  if (auto colon = user_part.find(':'); colon != std::string_view::npos) {
    std::string_view dev = user_part.substr(colon + 1);
    auto [end, ec] = std::from_chars(dev.data(), dev.data() + dev.size(), device);
    if (ec != std::errc() || end != dev.data() + dev.size() || dev.empty()) return bad("invalid JID device number");
    user_part = user_part.substr(0, colon);
  }
  // The legacy "user.agent" form: the agent part is not part of the Signal name.
  if (auto dot = user_part.find('.'); dot != std::string_view::npos) user_part = user_part.substr(0, dot);
  return signal_address_for(user_part, server, device);
}

}  // namespace wabot::engine::signal
