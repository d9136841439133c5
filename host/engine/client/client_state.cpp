// SPDX-License-Identifier: GPL-3.0-or-later
// Names of client states and disconnect reasons (for logs, events and the host's API).
#include "host/engine/client/client_state.hpp"

namespace wabot::engine::client {

std::string_view state_name(ClientState s) {
  switch (s) {
    case ClientState::unset: return "unset";
    case ClientState::starting: return "starting";
    case ClientState::awaiting_qr: return "awaiting_qr";
    case ClientState::pairing: return "pairing";
    case ClientState::connected: return "connected";
    case ClientState::reconnecting: return "reconnecting";
    case ClientState::disconnected: return "disconnected";
    case ClientState::logged_out: return "logged_out";
    case ClientState::auth_failed: return "auth_failed";
  }
  return "unknown";
}

std::string_view reason_name(DisconnectReason r) {
  switch (r) {
    case DisconnectReason::unset: return "unset";
    case DisconnectReason::stopped: return "stopped";
    case DisconnectReason::connection_lost: return "connection_lost";
    case DisconnectReason::keepalive_timeout: return "keepalive_timeout";
    case DisconnectReason::restart_required: return "restart_required";
    case DisconnectReason::server_error: return "server_error";
    case DisconnectReason::conflict: return "conflict";
    case DisconnectReason::logged_out: return "logged_out";
    case DisconnectReason::auth_failed: return "auth_failed";
    case DisconnectReason::client_outdated: return "client_outdated";
    case DisconnectReason::qr_timeout: return "qr_timeout";
    case DisconnectReason::handshake_failed: return "handshake_failed";
    case DisconnectReason::store_failed: return "store_failed";
    case DisconnectReason::protocol_error: return "protocol_error";
  }
  return "unknown";
}

}  // namespace wabot::engine::client
