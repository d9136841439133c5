// SPDX-License-Identifier: GPL-3.0-or-later
// SignalProtocol: libsignal-protocol-c session/group calls under one per-agent lock, with libsignal
// error codes turned into SignalErrors and identity changes handled as whatsmeow's AutoTrustIdentity.
#include "host/engine/signal/signal_protocol.hpp"

#include "host/engine/signal/guarded_signal_store.hpp"
#include "host/engine/signal/signal_keys.hpp"
#include "host/engine/signal/signal_ref.hpp"

#include "host/common/log.hpp"

#include <curve.h>
#include <group_cipher.h>
#include <group_session_builder.h>
#include <protocol.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <session_pre_key.h>

#include <cstring>
#include <functional>
#include <mutex>

namespace wabot::engine::signal {
namespace {

// Larger than any real message (media messages with thumbnails stay far below); bounds what bad
// input can make libsignal allocate.
constexpr std::size_t kMaxMessageBytes = 4u << 20;

signal_protocol_address raw_address(const SignalAddress& address) {
  return signal_protocol_address{address.name.c_str(), address.name.size(), address.device_id};
}

signal_protocol_sender_key_name raw_sender_key_name(const SenderKeyName& name) {
  return signal_protocol_sender_key_name{name.group_id.c_str(), name.group_id.size(), raw_address(name.sender)};
}

const char* describe(int rc) {
  switch (rc) {
    case SG_ERR_NOMEM: return "out of memory";
    case SG_ERR_INVAL: return "invalid argument";
    case SG_ERR_DUPLICATE_MESSAGE: return "duplicate message";
    case SG_ERR_INVALID_KEY: return "invalid key";
    case SG_ERR_INVALID_KEY_ID: return "unknown prekey id";
    case SG_ERR_INVALID_MAC: return "bad MAC";
    case SG_ERR_INVALID_MESSAGE: return "invalid message";
    case SG_ERR_INVALID_VERSION: return "unsupported message version";
    case SG_ERR_LEGACY_MESSAGE: return "legacy message";
    case SG_ERR_NO_SESSION: return "no session";
    case SG_ERR_STALE_KEY_EXCHANGE: return "stale key exchange";
    case SG_ERR_UNTRUSTED_IDENTITY: return "untrusted identity";
    case SG_ERR_INVALID_PROTO_BUF: return "malformed protobuf";
    default: return "libsignal error";
  }
}

SignalErrorCode classify(int rc) {
  switch (rc) {
    case SG_ERR_NO_SESSION: return SignalErrorCode::no_session;
    case SG_ERR_DUPLICATE_MESSAGE: return SignalErrorCode::duplicate_message;
    case SG_ERR_UNTRUSTED_IDENTITY: return SignalErrorCode::untrusted_identity;
    case SG_ERR_INVALID_KEY: return SignalErrorCode::invalid_key;
    case SG_ERR_INVALID_KEY_ID:
    case SG_ERR_INVALID_MAC:
    case SG_ERR_INVALID_MESSAGE:
    case SG_ERR_INVALID_VERSION:
    case SG_ERR_LEGACY_MESSAGE:
    case SG_ERR_STALE_KEY_EXCHANGE:
    case SG_ERR_INVALID_PROTO_BUF: return SignalErrorCode::invalid_message;
    default: return SignalErrorCode::internal;
  }
}

SignalError invalid(std::string message) { return {SignalErrorCode::invalid_input, std::move(message)}; }

SignalError store_error(const std::string& what, const store::SignalStoreStatus& status) {
  return {SignalErrorCode::store_failed, what + ": " + status.error};
}

bool decode_public(const crypto::Key32& raw, signal_context* context, SignalRef<ec_public_key>& out) {
  std::uint8_t typed[33];
  typed[0] = 0x05;
  std::memcpy(typed + 1, raw.data(), 32);
  return curve_decode_point(out.out(), typed, sizeof typed, context) == 0;
}

struct SessionCipher {
  session_cipher* cipher = nullptr;
  ~SessionCipher() {
    if (cipher) session_cipher_free(cipher);
  }
};

struct GroupCipher {
  group_cipher* cipher = nullptr;
  ~GroupCipher() {
    if (cipher) group_cipher_free(cipher);
  }
};

struct GroupBuilder {
  group_session_builder* builder = nullptr;
  ~GroupBuilder() {
    if (builder) group_session_builder_free(builder);
  }
};

}  // namespace

const char* to_string(CiphertextType type) {
  switch (type) {
    case CiphertextType::pkmsg: return "pkmsg";
    case CiphertextType::msg: return "msg";
    case CiphertextType::skmsg: return "skmsg";
    case CiphertextType::unset: break;
  }
  return "unset";
}

Result<LocalKeys, SignalError> SignalProtocol::initialize(store::SignalStore& store) {
  try {
    std::optional<store::LocalIdentity> identity;
    auto status = store.load_local_identity(identity);
    if (!status.ok()) return store_error("failed to load own identity", status);
    if (!identity) {
      identity = generate_local_identity();
      status = store.save_local_identity(*identity);
      if (!status.ok()) return store_error("failed to save own identity", status);
    }
    std::optional<store::SignedPreKeyRecord> signed_pre_key;
    status = store.load_signed_pre_key(kSignedPreKeyId, signed_pre_key);
    if (!status.ok()) return store_error("failed to load signed prekey", status);
    // A signed prekey that the current identity did not sign (identity replaced) is renewed.
    if (!signed_pre_key || !crypto::xeddsa_verify(identity->identity.public_key,
                                                  signed_pre_key_message(signed_pre_key->key_pair.public_key),
                                                  signed_pre_key->signature)) {
      signed_pre_key = generate_signed_pre_key(identity->identity, kSignedPreKeyId);
      status = store.save_signed_pre_key(*signed_pre_key);
      if (!status.ok()) return store_error("failed to save signed prekey", status);
    }
    return LocalKeys{identity->registration_id, identity->identity.public_key, signed_pre_key->id,
                     signed_pre_key->key_pair.public_key, signed_pre_key->signature};
  } catch (const std::exception& e) {
    return SignalError{SignalErrorCode::store_failed, std::string("failed to initialise Signal keys: ") + e.what()};
  }
}

Result<std::unique_ptr<SignalProtocol>, SignalError> SignalProtocol::open(std::shared_ptr<store::SignalStore> store) {
  if (!store) return invalid("no Signal store given");
  std::unique_ptr<SignalProtocol> self(new SignalProtocol());
  // Every store call, ours and libsignal's, goes through the guard: a throwing implementation
  // becomes a store_failed error instead of an exception through libsignal's C frames.
  self->store_ = std::make_shared<GuardedSignalStore>(std::move(store));
  std::string error;
  // One libsignal context per agent: its recursive mutex is the agent lock.
  self->context_ = crypto::SignalContext::create(&error);
  if (!self->context_) return SignalError{SignalErrorCode::internal, error};
  self->adapter_ = SignalStoreAdapter::create(*self->store_, self->context_->get(), &error);
  if (!self->adapter_) return SignalError{SignalErrorCode::internal, error};
  return self;
}

SignalProtocol::~SignalProtocol() {
  // The store context must go before the libsignal context it was created in.
  adapter_.reset();
  context_.reset();
}

SignalError SignalProtocol::error_from(int rc, const std::string& what) {
  std::string cause = adapter_->take_store_error();
  if (!cause.empty()) return {SignalErrorCode::store_failed, what + ": " + cause};
  return {classify(rc), what + ": " + describe(rc)};
}

Result<bool, SignalError> SignalProtocol::has_session(const SignalAddress& address) {
  std::lock_guard lock(context_->mutex());
  adapter_->take_store_error();
  auto raw = raw_address(address);
  int rc = signal_protocol_session_contains_session(adapter_->get(), &raw);
  if (rc < 0) return error_from(rc, "failed to look up the session of " + address.to_string());
  return rc == 1;
}

Result<Ok, SignalError> SignalProtocol::delete_session(const SignalAddress& address) {
  std::lock_guard lock(context_->mutex());
  auto status = store_->delete_session(address);
  if (!status.ok()) return store_error("failed to delete the session of " + address.to_string(), status);
  return Ok{};
}

Result<Ok, SignalError> SignalProtocol::forget_identity(const std::string& name) {
  std::lock_guard lock(context_->mutex());
  auto status = store_->delete_all_sessions(name);
  if (!status.ok()) return store_error("failed to delete the sessions of " + name, status);
  status = store_->delete_all_identities(name);
  if (!status.ok()) return store_error("failed to delete the identities of " + name, status);
  return Ok{};
}

int SignalProtocol::attempt_with_retrust(const SignalAddress& address, const std::function<int()>& attempt,
                                         bool& identity_changed, std::string& store_failure) {
  // libsignal saves a pkmsg's identity before the message's MAC is checked, so a message that then
  // fails would leave a foreign identity behind. Snapshot what we have and put it back on failure.
  std::optional<Bytes> old_session;
  std::optional<crypto::Key32> old_identity;
  auto status = store_->load_session(address, old_session);
  if (status.ok()) status = store_->load_identity(address, old_identity);
  if (!status.ok()) {
    store_failure = status.error;
    return SG_ERR_UNKNOWN;
  }
  int rc = attempt();
  if (rc == SG_ERR_UNTRUSTED_IDENTITY) {
    // A new identity for this device: drop what we knew and trust the new key (TOFU again), as
    // whatsmeow's clearUntrustedIdentity does; the caller reports the change.
    status = store_->delete_identity(address);
    if (status.ok()) status = store_->delete_session(address);
    if (!status.ok()) {
      store_failure = "failed to drop the old identity: " + status.error;
      return SG_ERR_UNKNOWN;
    }
    identity_changed = true;
    rc = attempt();
  }
  if (rc == 0 && identity_changed)
    wabot::log::info("Signal identity changed; old session dropped", {{"address", address.to_string()}});
  if (rc != 0) {
    identity_changed = false;
    status = old_session ? store_->save_session(address, *old_session) : store_->delete_session(address);
    if (status.ok()) status = old_identity ? store_->save_identity(address, *old_identity) : store_->delete_identity(address);
    if (!status.ok()) store_failure = "failed to restore the previous identity: " + status.error;
  }
  return rc;
}

Result<std::size_t, SignalError> SignalProtocol::migrate_sessions(const std::string& from_name, const std::string& to_name) {
  std::lock_guard lock(context_->mutex());
  const std::string what = "failed to migrate sessions of " + from_name + " to " + to_name;
  if (from_name.empty() || to_name.empty() || from_name == to_name) return invalid(what + ": bad names");
  std::vector<std::int32_t> devices;
  auto status = store_->list_session_devices(from_name, devices);
  if (!status.ok()) return store_error(what, status);
  std::size_t moved = 0;
  for (std::int32_t device : devices) {
    SignalAddress from{from_name, device}, to{to_name, device};
    std::optional<Bytes> existing, record;
    std::optional<crypto::Key32> identity;
    status = store_->load_session(to, existing);
    if (status.ok() && !existing) status = store_->load_session(from, record);
    if (status.ok() && record) status = store_->load_identity(from, identity);
    if (status.ok() && record) status = store_->save_session(to, *record);
    if (status.ok() && record && identity) status = store_->save_identity(to, *identity);
    if (!status.ok()) return store_error(what, status);
    if (record) ++moved;
  }
  status = store_->delete_all_sessions(from_name);
  if (status.ok()) status = store_->delete_all_identities(from_name);
  if (!status.ok()) return store_error(what, status);
  return moved;
}

Result<BundleProcessed, SignalError> SignalProtocol::process_prekey_bundle(const SignalAddress& address, const PreKeyBundle& bundle) {
  std::lock_guard lock(context_->mutex());
  const std::string what = "failed to build a session with " + address.to_string();
  signal_context* ctx = context_->get();
  SignalRef<ec_public_key> identity, signed_pre_key, pre_key;
  if (!decode_public(bundle.identity_key, ctx, identity) || !decode_public(bundle.signed_pre_key, ctx, signed_pre_key) ||
      (bundle.pre_key && !decode_public(bundle.pre_key->public_key, ctx, pre_key)))
    return invalid(what + ": undecodable key in bundle");
  if (bundle.pre_key && (bundle.pre_key->id == 0 || bundle.pre_key->id > kMaxPreKeyId))
    return invalid(what + ": prekey id out of range");
  SignalRef<session_pre_key_bundle> raw_bundle;
  int rc = session_pre_key_bundle_create(raw_bundle.out(), bundle.registration_id, bundle.device_id,
                                         bundle.pre_key ? bundle.pre_key->id : 0, pre_key.get(), bundle.signed_pre_key_id,
                                         signed_pre_key.get(), bundle.signed_pre_key_signature.data(),
                                         bundle.signed_pre_key_signature.size(), identity.get());
  if (rc != 0) return error_from(rc, what);
  auto raw = raw_address(address);
  auto attempt = [&]() -> int {
    adapter_->take_store_error();
    session_builder* builder = nullptr;
    int r = session_builder_create(&builder, adapter_->get(), &raw, ctx);
    if (r != 0) return r;
    r = session_builder_process_pre_key_bundle(builder, raw_bundle.get());
    session_builder_free(builder);
    return r;
  };
  BundleProcessed result;
  std::string failure;
  rc = attempt_with_retrust(address, attempt, result.identity_changed, failure);
  if (!failure.empty()) return SignalError{SignalErrorCode::store_failed, what + ": " + failure};
  if (rc != 0) return error_from(rc, what);
  return result;
}

Result<Ciphertext, SignalError> SignalProtocol::encrypt(const SignalAddress& address, ByteView plaintext) {
  std::lock_guard lock(context_->mutex());
  const std::string what = "failed to encrypt for " + address.to_string();
  if (plaintext.empty() || plaintext.size() > kMaxMessageBytes) return invalid(what + ": plaintext empty or too large");
  adapter_->take_store_error();
  auto raw = raw_address(address);
  // libsignal would encrypt with an empty session state; refuse up front instead.
  int rc = signal_protocol_session_contains_session(adapter_->get(), &raw);
  if (rc < 0) return error_from(rc, what);
  if (rc == 0) return SignalError{SignalErrorCode::no_session, what + ": no session"};
  SessionCipher cipher;
  rc = session_cipher_create(&cipher.cipher, adapter_->get(), &raw, context_->get());
  if (rc != 0) return error_from(rc, what);
  SignalRef<ciphertext_message> message;
  rc = session_cipher_encrypt(cipher.cipher, plaintext.data(), plaintext.size(), message.out());
  if (rc != 0) return error_from(rc, what);
  Ciphertext out;
  int type = ciphertext_message_get_type(message.get());
  out.type = type == CIPHERTEXT_PREKEY_TYPE ? CiphertextType::pkmsg : CiphertextType::msg;
  signal_buffer* serialized = ciphertext_message_get_serialized(message.get());
  out.data.assign(signal_buffer_const_data(serialized), signal_buffer_const_data(serialized) + signal_buffer_len(serialized));
  return out;
}

Result<Decrypted, SignalError> SignalProtocol::decrypt_pkmsg(const SignalAddress& address, ByteView ciphertext) {
  std::lock_guard lock(context_->mutex());
  const std::string what = "failed to decrypt pkmsg from " + address.to_string();
  if (ciphertext.empty() || ciphertext.size() > kMaxMessageBytes) return invalid(what + ": ciphertext empty or too large");
  adapter_->take_store_error();
  SignalRef<pre_key_signal_message> message;
  int rc = pre_key_signal_message_deserialize(message.out(), ciphertext.data(), ciphertext.size(), context_->get());
  if (rc != 0) return error_from(rc, what);
  auto raw = raw_address(address);
  SignalBuffer plaintext;
  auto attempt = [&]() -> int {
    adapter_->take_store_error();
    SessionCipher cipher;
    int r = session_cipher_create(&cipher.cipher, adapter_->get(), &raw, context_->get());
    if (r != 0) return r;
    return session_cipher_decrypt_pre_key_signal_message(cipher.cipher, message.get(), nullptr, plaintext.out());
  };
  Decrypted out;
  std::string failure;
  rc = attempt_with_retrust(address, attempt, out.identity_changed, failure);
  if (!failure.empty()) return SignalError{SignalErrorCode::store_failed, what + ": " + failure};
  if (rc != 0) return error_from(rc, what);
  out.plaintext = plaintext.bytes();
  return out;
}

Result<Decrypted, SignalError> SignalProtocol::decrypt_msg(const SignalAddress& address, ByteView ciphertext) {
  std::lock_guard lock(context_->mutex());
  const std::string what = "failed to decrypt msg from " + address.to_string();
  if (ciphertext.empty() || ciphertext.size() > kMaxMessageBytes) return invalid(what + ": ciphertext empty or too large");
  adapter_->take_store_error();
  SignalRef<signal_message> message;
  int rc = signal_message_deserialize(message.out(), ciphertext.data(), ciphertext.size(), context_->get());
  if (rc != 0) return error_from(rc, what);
  auto raw = raw_address(address);
  SessionCipher cipher;
  rc = session_cipher_create(&cipher.cipher, adapter_->get(), &raw, context_->get());
  if (rc != 0) return error_from(rc, what);
  SignalBuffer plaintext;
  rc = session_cipher_decrypt_signal_message(cipher.cipher, message.get(), nullptr, plaintext.out());
  if (rc != 0) return error_from(rc, what);
  return Decrypted{plaintext.bytes(), false};
}

Result<Bytes, SignalError> SignalProtocol::create_sender_key_distribution(const SenderKeyName& own) {
  std::lock_guard lock(context_->mutex());
  const std::string what = "failed to create the sender key of " + own.to_string();
  if (own.group_id.empty()) return invalid(what + ": empty group id");
  adapter_->take_store_error();
  auto raw = raw_sender_key_name(own);
  GroupBuilder builder;
  int rc = group_session_builder_create(&builder.builder, adapter_->get(), context_->get());
  if (rc != 0) return error_from(rc, what);
  SignalRef<sender_key_distribution_message> skdm;
  rc = group_session_builder_create_session(builder.builder, skdm.out(), &raw);
  if (rc != 0) return error_from(rc, what);
  // A sender_key_distribution_message begins with its ciphertext_message base.
  signal_buffer* serialized = ciphertext_message_get_serialized(reinterpret_cast<ciphertext_message*>(skdm.get()));
  return Bytes(signal_buffer_const_data(serialized), signal_buffer_const_data(serialized) + signal_buffer_len(serialized));
}

Result<Ok, SignalError> SignalProtocol::process_sender_key_distribution(const SenderKeyName& sender, ByteView skdm) {
  std::lock_guard lock(context_->mutex());
  const std::string what = "failed to process the sender key of " + sender.to_string();
  if (sender.group_id.empty()) return invalid(what + ": empty group id");
  if (skdm.empty() || skdm.size() > kMaxMessageBytes) return invalid(what + ": distribution message empty or too large");
  adapter_->take_store_error();
  SignalRef<sender_key_distribution_message> message;
  int rc = sender_key_distribution_message_deserialize(message.out(), skdm.data(), skdm.size(), context_->get());
  if (rc != 0) return error_from(rc, what);
  auto raw = raw_sender_key_name(sender);
  GroupBuilder builder;
  rc = group_session_builder_create(&builder.builder, adapter_->get(), context_->get());
  if (rc != 0) return error_from(rc, what);
  rc = group_session_builder_process_session(builder.builder, &raw, message.get());
  if (rc != 0) return error_from(rc, what);
  return Ok{};
}

Result<Bytes, SignalError> SignalProtocol::group_encrypt(const SenderKeyName& own, ByteView plaintext) {
  std::lock_guard lock(context_->mutex());
  const std::string what = "failed to encrypt for group " + own.to_string();
  if (plaintext.empty() || plaintext.size() > kMaxMessageBytes) return invalid(what + ": plaintext empty or too large");
  std::optional<Bytes> existing;
  auto status = store_->load_sender_key(own, existing);
  if (!status.ok()) return store_error(what, status);
  if (!existing) return SignalError{SignalErrorCode::no_session, what + ": no sender key (create the distribution first)"};
  adapter_->take_store_error();
  auto raw = raw_sender_key_name(own);
  GroupCipher cipher;
  int rc = group_cipher_create(&cipher.cipher, adapter_->get(), &raw, context_->get());
  if (rc != 0) return error_from(rc, what);
  SignalRef<ciphertext_message> message;
  rc = group_cipher_encrypt(cipher.cipher, plaintext.data(), plaintext.size(), message.out());
  if (rc != 0) return error_from(rc, what);
  signal_buffer* serialized = ciphertext_message_get_serialized(message.get());
  return Bytes(signal_buffer_const_data(serialized), signal_buffer_const_data(serialized) + signal_buffer_len(serialized));
}

Result<Bytes, SignalError> SignalProtocol::group_decrypt(const SenderKeyName& sender, ByteView ciphertext) {
  std::lock_guard lock(context_->mutex());
  const std::string what = "failed to decrypt skmsg from " + sender.to_string();
  if (ciphertext.empty() || ciphertext.size() > kMaxMessageBytes) return invalid(what + ": ciphertext empty or too large");
  adapter_->take_store_error();
  SignalRef<sender_key_message> message;
  int rc = sender_key_message_deserialize(message.out(), ciphertext.data(), ciphertext.size(), context_->get());
  if (rc != 0) return error_from(rc, what);
  auto raw = raw_sender_key_name(sender);
  GroupCipher cipher;
  rc = group_cipher_create(&cipher.cipher, adapter_->get(), &raw, context_->get());
  if (rc != 0) return error_from(rc, what);
  SignalBuffer plaintext;
  rc = group_cipher_decrypt(cipher.cipher, message.get(), nullptr, plaintext.out());
  if (rc != 0) return error_from(rc, what);
  return plaintext.bytes();
}

Result<LocalKeys, SignalError> SignalProtocol::local_keys() {
  std::lock_guard lock(context_->mutex());
  std::optional<store::LocalIdentity> identity;
  auto status = store_->load_local_identity(identity);
  if (!status.ok()) return store_error("failed to load own identity", status);
  if (!identity) return SignalError{SignalErrorCode::missing_local_identity, "the agent has no Signal identity"};
  std::optional<store::SignedPreKeyRecord> signed_pre_key;
  status = store_->load_signed_pre_key(kSignedPreKeyId, signed_pre_key);
  if (!status.ok()) return store_error("failed to load signed prekey", status);
  if (!signed_pre_key) return SignalError{SignalErrorCode::missing_local_identity, "the agent has no signed prekey"};
  return LocalKeys{identity->registration_id, identity->identity.public_key, signed_pre_key->id,
                   signed_pre_key->key_pair.public_key, signed_pre_key->signature};
}

Result<std::vector<store::PreKeyRecord>, SignalError> SignalProtocol::create_pre_keys(std::uint32_t start_id, std::size_t count) {
  std::lock_guard lock(context_->mutex());
  auto keys = generate_pre_keys(start_id, count);
  for (const auto& key : keys) {
    auto status = store_->save_pre_key(key);
    if (!status.ok()) return store_error("failed to save prekey " + std::to_string(key.id), status);
  }
  return keys;
}

}  // namespace wabot::engine::signal
