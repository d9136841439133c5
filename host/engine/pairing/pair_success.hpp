// SPDX-License-Identifier: GPL-3.0-or-later
// The server's <iq><pair-success>: verify the primary's signed identity, sign ours, and build the reply.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "host/engine/store/credentials_store.hpp"
#include "host/engine/types/node.hpp"

namespace wabot::engine::pairing {

inline constexpr std::uint8_t kAdvAccountSignaturePrefix[2] = {6, 0};
inline constexpr std::uint8_t kAdvDeviceSignaturePrefix[2] = {6, 1};
inline constexpr std::uint8_t kAdvHostedAccountSignaturePrefix[2] = {6, 5};

struct PairSuccess {
  Node reply;      // the iq to send: a result with <pair-device-sign>, or an error iq
  Status status;   // ok, or why pairing was refused
  Jid device_jid;  // our PN AD-JID
  Jid lid;         // our LID AD-JID
  std::string platform;
  std::string business_name;
  crypto::Key32 primary_identity_key{};  // trusted Signal identity of the primary device (LID user, device 0)
  std::uint32_t key_index = 0;
  std::optional<std::int64_t> server_time_s;  // the iq's t, for the server clock offset

  PairSuccess() : status(Ok{}) {}
};

bool is_pair_success(const Node& node);

// Checks HMAC(adv secret) and the account signature, adds our device signature, and on success fills
// creds.device_jid/lid/account/platform/business_name. creds is untouched on failure.
PairSuccess process_pair_success(const Node& iq, store::Credentials& creds);

}  // namespace wabot::engine::pairing
