// SPDX-License-Identifier: GPL-3.0-or-later
// CredentialsStore: the per-agent device credentials the engine needs persisted (an abstract interface;
// host/store implements it on the database, tests in memory).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host/engine/crypto/crypto.hpp"
#include "host/engine/types/jid.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::store {

struct SignedPreKey {
  std::uint32_t id = 0;  // 24-bit on the wire
  crypto::KeyPair key_pair;
  crypto::Signature64 signature{};  // XEdDSA(identity, 0x05 || public key)
};

// Everything a linked companion device is. Created before the first connection (keys, registration id,
// adv secret); the linked fields are filled by pairing. All of it is secret except the JIDs and names.
struct Credentials {
  crypto::KeyPair noise_key;     // Noise static key
  crypto::KeyPair identity_key;  // Signal identity key
  std::uint32_t registration_id = 0;
  SignedPreKey signed_pre_key;
  crypto::Key32 adv_secret{};

  // Linked-device fields (empty until pairing succeeded).
  std::optional<Jid> device_jid;  // our AD-JID on s.whatsapp.net, e.g. 15551234567:7@s.whatsapp.net
  std::optional<Jid> lid;         // our AD-JID on lid
  crypto::Bytes account;          // serialized ADVSignedDeviceIdentity incl. account key and our device signature
  std::string push_name;
  std::string platform;           // the primary device's platform, e.g. "android"
  std::string business_name;

  // The next one-time prekey id to generate (prekeys themselves belong to the Signal store). The
  // database adapter (host/store/adapters) persists it.
  std::uint32_t next_pre_key_id = 1;

  bool is_linked() const { return device_jid.has_value(); }
};

class CredentialsStore {
 public:
  virtual ~CredentialsStore() = default;

  // nullopt when the agent has no credentials yet.
  virtual Result<std::optional<Credentials>> load(std::string_view agent_id) = 0;
  // Atomic: after a crash the store holds the old credentials or the new ones, never a mix
  // (one transaction in the database implementation).
  virtual Status save(std::string_view agent_id, const Credentials& credentials) = 0;
  // Forget the agent's credentials (logout, 401). Also atomic.
  virtual Status clear(std::string_view agent_id) = 0;
};

}  // namespace wabot::engine::store
