// SPDX-License-Identifier: GPL-3.0-or-later
// How an engine client's state shows up: the persisted `status` column (four values of the seeds) and
// the live `sessionState` of docs/api.md.
#pragma once

#include <wabot/abi.h>

#include <optional>

#include "host/engine/client/client_state.hpp"
#include "host/store/whatsapp_user_repository.hpp"

namespace wabot::sessions {

// The status to persist when a client reaches `state`; nullopt when the row keeps its status
// (starting, pairing: passing moments). `by_us` is true when our own logout caused logged_out.
std::optional<store::SessionStatus> persisted_status(engine::client::ClientState state, bool by_us);

// The API's live sessionState (auth_failed shows as logged_out: the device is gone either way).
wabot_session_state live_state(engine::client::ClientState state);

// States after which a client does nothing more until a new one is started.
bool is_terminal(engine::client::ClientState state);

}  // namespace wabot::sessions
