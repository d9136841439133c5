// SPDX-License-Identifier: GPL-3.0-or-later
// The host's half of the durable inbound path: turning a logged inbound message back into the
// MESSAGE_RECEIVED event it was (for the replay at start), and the event into its log row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "host/plugins/plugin_event.hpp"
#include "host/store/database.hpp"
#include "host/store/message_log_repository.hpp"

namespace wabot::sessions {

// The log row of an inbound MESSAGE_RECEIVED event (status "received"), with all a replay needs.
store::LoggedMessage log_row_of(const std::string& agent_id, const plugins::MessageData& data, std::int64_t now_ms);

// The MESSAGE_RECEIVED event of a logged message, flagged WABOT_MESSAGE_FLAG_REPLAYED.
plugins::PluginEvent replayed_event(const store::LoggedMessage& row, std::int64_t now_ms);

struct InboundReplayWindow {
  std::int64_t from_ms = 0;    // logged no earlier than this (now - sessions.replay_max_age)
  std::int64_t before_ms = 0;  // and before this (the process start: later ones were published live)
  std::size_t limit = 10'000;  // at most this many per agent (bounded memory)
};

// Publishes (through `publish`) every message of `agent_id` still "received" in the window, oldest
// first. Returns how many, or the store's error.
store::Result<std::size_t> replay_inbound(store::Database& db, const std::string& agent_id, const InboundReplayWindow& window,
                                          std::int64_t now_ms, const std::function<void(plugins::PluginEvent)>& publish);

}  // namespace wabot::sessions
