// SPDX-License-Identifier: GPL-3.0-or-later
// ConnectionVerdict: what a <stream:error> or <failure> from the server means for the client.
#pragma once

#include <string>

#include "host/engine/client/client_state.hpp"
#include "host/engine/types/node.hpp"

namespace wabot::engine::client {

enum class VerdictAction {
  unset = 0,
  restart_now,        // reconnect immediately (515)
  reconnect_backoff,  // transient: reconnect after the backoff delay
  logged_out,         // unlinked: clear credentials, state logged_out
  auth_failed,        // refused credentials: clear credentials, state auth_failed
  stop,               // stay disconnected and report
};

struct ConnectionVerdict {
  VerdictAction action = VerdictAction::unset;
  DisconnectReason reason = DisconnectReason::unset;
  std::string detail;
};

// <stream:error code=...> with optional <conflict type=.../> (transport.md §6).
ConnectionVerdict classify_stream_error(const Node& node);
// <failure reason=...>.
ConnectionVerdict classify_failure(const Node& node);

}  // namespace wabot::engine::client
