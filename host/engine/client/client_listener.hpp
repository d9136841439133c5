// SPDX-License-Identifier: GPL-3.0-or-later
// ClientListener: the events a Client emits (called on the client's strand; keep handlers short).
#pragma once

#include <string>
#include <vector>

#include "host/engine/client/client_state.hpp"
#include "host/engine/types/node.hpp"

namespace wabot::engine::client {

class ClientListener {
 public:
  virtual ~ClientListener() = default;
  virtual void on_state(ClientState /*state*/, DisconnectReason /*reason*/, const std::string& /*detail*/) {}
  // A new QR (on every ref rotation): the text to encode and a ready PNG.
  virtual void on_qr(const std::string& /*text*/, const std::vector<std::uint8_t>& /*png*/) {}
  virtual void on_paired(const Jid& /*device_jid*/, const Jid& /*lid*/, const std::string& /*push_name*/) {}
  virtual void on_connected() {}
  virtual void on_disconnected(DisconnectReason /*reason*/, const std::string& /*detail*/) {}
  // Every stanza the connection layer does not consume itself (messages, receipts, notifications, ...).
  virtual void on_node(const Node& /*node*/) {}
};

}  // namespace wabot::engine::client
