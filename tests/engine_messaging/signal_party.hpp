// SPDX-License-Identifier: GPL-3.0-or-later
// Test fixtures of the scripted-server Messenger tests: a second Signal party on an in-memory store,
// the identities of our agent and its peer, and big-endian integer bytes for building prekey nodes.
#pragma once

#include <cstdint>
#include <memory>

#include "../engine_crypto/memory_signal_store.hpp"
#include "host/engine/signal/signal_protocol.hpp"
#include "host/engine/types/jid.hpp"

namespace wabot::test {

inline wabot::engine::Bytes be(std::uint32_t v, int n) {
  wabot::engine::Bytes b;
  for (int i = n - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return b;
}

// The other end of a conversation: its own identity and Signal store.
struct Party {
  std::shared_ptr<MemorySignalStore> store = std::make_shared<MemorySignalStore>();
  std::unique_ptr<wabot::engine::signal::SignalProtocol> signal;
  Party() {
    (void)wabot::engine::signal::SignalProtocol::initialize(*store);
    signal = std::move(wabot::engine::signal::SignalProtocol::open(store).value());
  }
};

inline const wabot::engine::Jid kOwnPn("15551234567", wabot::engine::server::user, 2);
inline const wabot::engine::Jid kOwnLid("111111111111111", wabot::engine::server::lid, 2);
inline const wabot::engine::Jid kPeerPn("15559876543", wabot::engine::server::user);
inline const wabot::engine::Jid kPeerLid("222222222222222", wabot::engine::server::lid);

}  // namespace wabot::test
