// SPDX-License-Identifier: GPL-3.0-or-later
// Prekey bundles: the encrypt/get <key> query for devices without a session, and its reply.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host/engine/signal/signal_protocol.hpp"
#include "host/engine/types/node.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::messaging {

struct FetchedBundle {
  Jid device;
  std::optional<signal::PreKeyBundle> bundle;  // absent when the server answered <error> for it
  std::string error;
};

Node make_bundle_query(const std::vector<Jid>& devices);
Result<std::vector<FetchedBundle>> parse_bundle_reply(const Node& reply);
// One <user> (or <keys>, the retry-receipt form) node's keys: registration, identity, skey, [key].
Result<signal::PreKeyBundle> parse_bundle_keys(const Node& keys, const Node* registration_override = nullptr);

}  // namespace wabot::engine::messaging
