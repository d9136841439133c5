// SPDX-License-Identifier: GPL-3.0-or-later
// SignalProtocol: one agent's Signal operations (1:1 sessions, prekey bundles, group sender keys)
// on libsignal-protocol-c over the agent's SignalStore. The messaging layer calls only this.
#pragma once

#include "host/engine/crypto/signal_context.hpp"
#include "host/engine/signal/signal_address.hpp"
#include "host/engine/signal/signal_error.hpp"
#include "host/engine/signal/signal_store_adapter.hpp"
#include "host/engine/store/signal_store.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace wabot::engine::signal {

using crypto::Bytes;
using crypto::ByteView;

// The `type` attribute of an <enc> node.
enum class CiphertextType {
  unset = 0,
  pkmsg,  // PreKeySignalMessage (libsignal type 3): first messages of a session
  msg,    // SignalMessage (type 2)
  skmsg,  // SenderKeyMessage (type 4): group messages
};
const char* to_string(CiphertextType type);

struct Ciphertext {
  CiphertextType type = CiphertextType::unset;
  Bytes data;
};

struct Decrypted {
  Bytes plaintext;
  // The sender's identity differed from the stored one: the old identity and session were dropped
  // and the new identity trusted (the caller may emit an identity-change event).
  bool identity_changed = false;
};

// A fetched prekey bundle (the <user> node of an encrypt/get reply); keys are raw 32 bytes.
struct PreKeyBundle {
  std::uint32_t registration_id = 0;
  std::int32_t device_id = 0;
  struct OneTimePreKey {
    std::uint32_t id = 0;
    crypto::Key32 public_key{};
  };
  std::optional<OneTimePreKey> pre_key;  // may be absent on the wire
  std::uint32_t signed_pre_key_id = 0;
  crypto::Key32 signed_pre_key{};
  crypto::Signature64 signed_pre_key_signature{};
  crypto::Key32 identity_key{};
};

struct BundleProcessed {
  bool identity_changed = false;
};

// What this agent publishes (prekey upload, retry receipts).
struct LocalKeys {
  std::uint32_t registration_id = 0;
  crypto::Key32 identity_public{};
  std::uint32_t signed_pre_key_id = 0;
  crypto::Key32 signed_pre_key_public{};
  crypto::Signature64 signed_pre_key_signature{};
};

class SignalProtocol {
 public:
  // The id of the signed prekey both references use.
  static constexpr std::uint32_t kSignedPreKeyId = 1;

  // Creates the agent's identity, registration id and signed prekey (id 1) when the store has
  // none; leaves existing material untouched. Returns the published keys either way.
  static Result<LocalKeys, SignalError> initialize(store::SignalStore& store);

  // A facade over `store`, which must outlive it. Several facades over one store are not
  // coordinated with each other: use one per agent.
  static Result<std::unique_ptr<SignalProtocol>, SignalError> open(std::shared_ptr<store::SignalStore> store);
  ~SignalProtocol();
  SignalProtocol(const SignalProtocol&) = delete;
  SignalProtocol& operator=(const SignalProtocol&) = delete;

  // --- 1:1 ---
  Result<bool, SignalError> has_session(const SignalAddress& address);
  Result<BundleProcessed, SignalError> process_prekey_bundle(const SignalAddress& address, const PreKeyBundle& bundle);
  // plaintext is the already padded Message bytes. no_session when there is none yet.
  Result<Ciphertext, SignalError> encrypt(const SignalAddress& address, ByteView plaintext);
  Result<Decrypted, SignalError> decrypt_pkmsg(const SignalAddress& address, ByteView ciphertext);
  Result<Decrypted, SignalError> decrypt_msg(const SignalAddress& address, ByteView ciphertext);
  // For <notification type="encrypt"><identity/>: every session and identity of that name goes.
  Result<Ok, SignalError> forget_identity(const std::string& name);
  Result<Ok, SignalError> delete_session(const SignalAddress& address);
  // Moves every device's session and identity from one name to another (a PN user's sessions to
  // their LID, as wm:MigratePNToLID does). A device that already has a session under to_name keeps
  // it. The old name's sessions and identities are then deleted. Returns how many sessions moved.
  // (Sender keys are not moved: senders redistribute them and the store cannot list them.)
  Result<std::size_t, SignalError> migrate_sessions(const std::string& from_name, const std::string& to_name);

  // --- groups (sender keys) ---
  // Our own sender key for `own` (group, own address): creates it when missing; returns the
  // serialised SenderKeyDistributionMessage to send (inside Message.senderKeyDistributionMessage).
  Result<Bytes, SignalError> create_sender_key_distribution(const SenderKeyName& own);
  Result<Ok, SignalError> process_sender_key_distribution(const SenderKeyName& sender, ByteView skdm);
  Result<Bytes, SignalError> group_encrypt(const SenderKeyName& own, ByteView plaintext);
  Result<Bytes, SignalError> group_decrypt(const SenderKeyName& sender, ByteView ciphertext);

  // --- prekeys ---
  Result<LocalKeys, SignalError> local_keys();
  // Generates and stores count one-time prekeys from start_id (see generate_pre_keys); returns them
  // for upload (only the public halves go on the wire).
  Result<std::vector<store::PreKeyRecord>, SignalError> create_pre_keys(std::uint32_t start_id, std::size_t count);

 private:
  SignalProtocol() = default;
  SignalError error_from(int rc, const std::string& what);
  // Runs attempt(); on an untrusted (changed) identity drops the old identity and session and runs
  // it again. When the outcome is a failure, the address's previous session and identity are put
  // back. Returns libsignal's code; store_failure is set when the store itself failed.
  int attempt_with_retrust(const SignalAddress& address, const std::function<int()>& attempt, bool& identity_changed,
                           std::string& store_failure);

  std::shared_ptr<store::SignalStore> store_;
  std::unique_ptr<crypto::SignalContext> context_;
  std::unique_ptr<SignalStoreAdapter> adapter_;
};

}  // namespace wabot::engine::signal
