// SPDX-License-Identifier: GPL-3.0-or-later
// StanzaChannel: what the messaging layer needs from a logged-in connection (send a stanza, send a
// request and wait for its reply or ack). host/engine/agent adapts client::Client to it.
#pragma once

#include <cstdint>
#include <functional>

#include "host/engine/types/node.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::messaging {

class StanzaChannel {
 public:
  using ReplyCallback = std::function<void(Result<Node> reply)>;
  virtual ~StanzaChannel() = default;

  // Fire and forget (receipts, acks, presence).
  virtual void send_node(Node node) = 0;
  // Sends a stanza that has an id (an iq, or a message whose server <ack> carries the same id) and
  // calls back once with the reply/ack, or an error on timeout or disconnect. Never calls back
  // before returning.
  virtual void send_request(Node node, ReplyCallback callback, std::int64_t timeout_ms) = 0;
};

}  // namespace wabot::engine::messaging
