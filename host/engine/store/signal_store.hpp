// SPDX-License-Identifier: GPL-3.0-or-later
// What the Signal layer persists for one agent: own identity, remote identities, sessions, prekeys,
// signed prekeys and sender keys. host/store implements it on the database; tests in memory.
#pragma once

#include "host/engine/crypto/crypto.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wabot::engine::store {

using crypto::Bytes;
using crypto::Key32;

// A Signal address as the references form it: name = JID user for PN, `user_<domainType>` otherwise
// (LID "123_1", hosted "123_128", hosted.lid "123_129"); device_id = the JID's device number.
struct SignalAddress {
  std::string name;
  std::int32_t device_id = 0;

  // "name.device", the key format libsignal-based stores conventionally use; also used in errors/logs.
  std::string to_string() const { return name + "." + std::to_string(device_id); }
  friend bool operator==(const SignalAddress&, const SignalAddress&) = default;
  friend auto operator<=>(const SignalAddress&, const SignalAddress&) = default;
};

// A sender key is kept per (group JID string "120363…@g.us", sender's Signal address).
struct SenderKeyName {
  std::string group_id;
  SignalAddress sender;

  std::string to_string() const { return group_id + "::" + sender.to_string(); }
  friend bool operator==(const SenderKeyName&, const SenderKeyName&) = default;
  friend auto operator<=>(const SenderKeyName&, const SenderKeyName&) = default;
};

// The agent's own identity: a Curve25519 key pair (raw 32-byte keys, no 0x05 prefix) and the
// registration id announced on the wire (4 bytes big-endian).
struct LocalIdentity {
  crypto::KeyPair identity;
  std::uint32_t registration_id = 0;
};

// A one-time prekey. Ids are 1..0xFFFFFF (3 bytes on the wire).
struct PreKeyRecord {
  std::uint32_t id = 0;
  crypto::KeyPair key_pair;
};

// The signed prekey: XEdDSA signature by the identity key over 0x05 ‖ public key.
struct SignedPreKeyRecord {
  std::uint32_t id = 0;
  crypto::KeyPair key_pair;
  crypto::Signature64 signature{};
  std::uint64_t created_ms = 0;
};

// The outcome of one store call: empty error means success. Errors say what failed with context
// ("failed to load session of 123_1.7: database is locked") and never contain key material.
struct SignalStoreStatus {
  std::string error;
  bool ok() const { return error.empty(); }
  static SignalStoreStatus success() { return {}; }
  static SignalStoreStatus failure(std::string message) { return {std::move(message)}; }
};

// One agent's Signal state. Callers (the Signal layer) serialise all calls for one agent under that
// agent's lock, so an implementation needs no locking of its own for a single agent; calls for
// different agents may arrive on different threads at once. "Not found" is success with an empty
// optional, never an error. Session and sender-key records are opaque libsignal serialisations.
class SignalStore {
 public:
  virtual ~SignalStore() = default;

  // --- own identity ---
  virtual SignalStoreStatus load_local_identity(std::optional<LocalIdentity>& out) = 0;
  virtual SignalStoreStatus save_local_identity(const LocalIdentity& identity) = 0;

  // --- remote identities (trust on first use; raw 32-byte public keys) ---
  virtual SignalStoreStatus load_identity(const SignalAddress& address, std::optional<Key32>& out) = 0;
  virtual SignalStoreStatus save_identity(const SignalAddress& address, const Key32& identity_key) = 0;
  virtual SignalStoreStatus delete_identity(const SignalAddress& address) = 0;
  // Every device of one name (a `<notification type="encrypt"><identity/>` for the user).
  virtual SignalStoreStatus delete_all_identities(const std::string& name) = 0;

  // --- 1:1 sessions ---
  virtual SignalStoreStatus load_session(const SignalAddress& address, std::optional<Bytes>& out) = 0;
  virtual SignalStoreStatus save_session(const SignalAddress& address, const Bytes& record) = 0;
  virtual SignalStoreStatus delete_session(const SignalAddress& address) = 0;
  virtual SignalStoreStatus delete_all_sessions(const std::string& name) = 0;
  // Every device id that has a stored session under name.
  virtual SignalStoreStatus list_session_devices(const std::string& name, std::vector<std::int32_t>& out) = 0;

  // --- one-time prekeys ---
  virtual SignalStoreStatus load_pre_key(std::uint32_t id, std::optional<PreKeyRecord>& out) = 0;
  virtual SignalStoreStatus save_pre_key(const PreKeyRecord& record) = 0;
  virtual SignalStoreStatus remove_pre_key(std::uint32_t id) = 0;

  // --- signed prekeys ---
  virtual SignalStoreStatus load_signed_pre_key(std::uint32_t id, std::optional<SignedPreKeyRecord>& out) = 0;
  virtual SignalStoreStatus save_signed_pre_key(const SignedPreKeyRecord& record) = 0;
  virtual SignalStoreStatus remove_signed_pre_key(std::uint32_t id) = 0;

  // --- group sender keys ---
  virtual SignalStoreStatus load_sender_key(const SenderKeyName& name, std::optional<Bytes>& out) = 0;
  virtual SignalStoreStatus save_sender_key(const SenderKeyName& name, const Bytes& record) = 0;
};

}  // namespace wabot::engine::store
