// SPDX-License-Identifier: GPL-3.0-or-later
// Engine client state -> persisted status and API sessionState.
#include "host/sessions/session_state_map.hpp"

namespace wabot::sessions {

using engine::client::ClientState;
using store::SessionStatus;

std::optional<SessionStatus> persisted_status(ClientState state, bool by_us) {
  switch (state) {
    case ClientState::awaiting_qr: return SessionStatus::awaiting_qr;
    case ClientState::connected: return SessionStatus::connected;
    case ClientState::reconnecting:
    case ClientState::disconnected: return SessionStatus::disconnected;
    // The phone (or the server's 401) unlinked us: the credentials are gone, a new QR is needed.
    case ClientState::logged_out: return by_us ? std::nullopt : std::optional(SessionStatus::auth_failed);
    case ClientState::auth_failed: return SessionStatus::auth_failed;
    case ClientState::unset:
    case ClientState::starting:
    case ClientState::pairing: return std::nullopt;
  }
  return std::nullopt;
}

wabot_session_state live_state(ClientState state) {
  switch (state) {
    case ClientState::starting: return WABOT_SESSION_STARTING;
    case ClientState::awaiting_qr: return WABOT_SESSION_AWAITING_QR;
    case ClientState::pairing: return WABOT_SESSION_PAIRING;
    case ClientState::connected: return WABOT_SESSION_CONNECTED;
    case ClientState::reconnecting: return WABOT_SESSION_RECONNECTING;
    case ClientState::disconnected: return WABOT_SESSION_DISCONNECTED;
    case ClientState::logged_out:
    case ClientState::auth_failed: return WABOT_SESSION_LOGGED_OUT;
    case ClientState::unset: return WABOT_SESSION_UNSET;
  }
  return WABOT_SESSION_UNSET;
}

bool is_terminal(ClientState state) {
  return state == ClientState::disconnected || state == ClientState::logged_out || state == ClientState::auth_failed;
}

}  // namespace wabot::sessions
