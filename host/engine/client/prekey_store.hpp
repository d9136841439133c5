// SPDX-License-Identifier: GPL-3.0-or-later
// PreKeyStore: where one-time prekeys come from for upload. The Signal layer implements it on its
// persistent store (the private halves must survive restarts to decrypt pkmsgs).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "host/engine/crypto/crypto.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::client {

struct PreKey {
  std::uint32_t id = 0;  // 24-bit on the wire
  crypto::KeyPair key_pair;
};

class PreKeyStore {
 public:
  virtual ~PreKeyStore() = default;
  // Creates and persists `count` new prekeys (not yet uploaded) and returns them.
  virtual Result<std::vector<PreKey>> generate_pre_keys(std::string_view agent_id, std::size_t count) = 0;
  // The server accepted the upload of every prekey up to and including this id.
  virtual Status mark_uploaded(std::string_view agent_id, std::uint32_t up_to_id) = 0;
};

}  // namespace wabot::engine::client
