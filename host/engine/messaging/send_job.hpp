// SPDX-License-Identifier: GPL-3.0-or-later
// Messenger::SendJob: one outgoing message on its way through device lists, sessions, encryption and
// the server ack (private to the messenger's sources: messenger.cpp, retry_handler.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/engine/messaging/messenger.hpp"

namespace wabot::engine::messaging {

struct Messenger::SendJob {
  std::string id;
  Jid to;                      // as the caller named it
  Jid chat;                    // the address we send to (LID user when known)
  wabot::proto::Message message;
  SendCallback callback;
  std::vector<Jid> peer_devices;  // device JIDs of the recipient
  std::vector<Jid> own_devices;   // our other devices
  std::optional<Jid> retry_device;  // set for a retry resend: only this device, direct <enc>
  // A group retry: the retry receipt's participant, sent back as the stanza's participant (to = group).
  std::optional<Jid> retry_participant;
  bool group = false;              // a group send: SKDM to the devices without our key, one skmsg
  std::vector<std::string> key_shared_to;  // devices given our sender key by this send (recorded on the ack)
  AddressingMode mode = AddressingMode::unset;
  std::uint32_t retry_count = 0;
  std::string retry_t;
  bool done = false;
};

}  // namespace wabot::engine::messaging
