// SPDX-License-Identifier: GPL-3.0-or-later
// DatabaseSignalStore: each call is one repository call; sizes are checked on the way out; no
// exception leaves (the Signal layer calls in from libsignal callbacks).
#include "host/store/adapters/database_signal_store.hpp"

#include <exception>

#include "host/store/adapters/key_bytes.hpp"
#include "host/store/device_credentials_repository.hpp"
#include "host/store/signal_repository.hpp"

namespace wabot::store {
namespace {

using adapters::to_array;
using adapters::to_bytes;
namespace es = engine::store;
using SigStatus = engine::store::SignalStoreStatus;

SignalAddress addr(const es::SignalAddress& a) { return SignalAddress{a.name, a.device_id}; }
SenderKeyName sk(const es::SenderKeyName& n) { return SenderKeyName{n.group_id, addr(n.sender)}; }

template <class F>
SigStatus guarded(const char* what, F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return SigStatus::failure(std::string("failed to ") + what + ": " + e.what());
  }
}

template <class T>
SigStatus status_of(const Result<T>& r) {
  return r ? SigStatus::success() : SigStatus::failure(r.error().message);
}

}  // namespace

DatabaseSignalStore::Status DatabaseSignalStore::load_local_identity(std::optional<es::LocalIdentity>& out) {
  return guarded("load own identity", [&] {
    auto creds = DeviceCredentialsRepository(db_).load(agent_id_);
    if (!creds) return Status::failure(creds.error().message);
    out.reset();
    if (!*creds) return Status::success();
    auto priv = to_array<32>((*creds)->identity_private_key);
    auto pub = to_array<32>((*creds)->identity_public_key);
    if (!priv || !pub) return Status::failure("the stored identity key of agent " + agent_id_ + " has the wrong length");
    out = es::LocalIdentity{engine::crypto::KeyPair{*priv, *pub}, (*creds)->registration_id};
    return Status::success();
  });
}

DatabaseSignalStore::Status DatabaseSignalStore::save_local_identity(const es::LocalIdentity& identity) {
  return guarded("save own identity", [&] {
    auto updated = DeviceCredentialsRepository(db_).update_local_identity(
        agent_id_, identity.registration_id, to_bytes(identity.identity.private_key),
        to_bytes(identity.identity.public_key));
    if (!updated) return Status::failure(updated.error().message);
    if (!*updated)
      return Status::failure("failed to save the own identity of agent " + agent_id_ +
                             ": the agent has no device credentials (the identity is part of them)");
    return Status::success();
  });
}

DatabaseSignalStore::Status DatabaseSignalStore::load_identity(const es::SignalAddress& a, std::optional<es::Key32>& out) {
  return guarded("load identity", [&] {
    auto key = SignalRepository(db_).load_identity(agent_id_, addr(a));
    if (!key) return Status::failure(key.error().message);
    out.reset();
    if (!*key) return Status::success();
    auto fixed = to_array<32>(**key);
    if (!fixed) return Status::failure("the stored identity of " + a.to_string() + " has the wrong length");
    out = *fixed;
    return Status::success();
  });
}

DatabaseSignalStore::Status DatabaseSignalStore::save_identity(const es::SignalAddress& a, const es::Key32& key) {
  return guarded("save identity", [&] { return status_of(SignalRepository(db_).save_identity(agent_id_, addr(a), to_bytes(key))); });
}

DatabaseSignalStore::Status DatabaseSignalStore::delete_identity(const es::SignalAddress& a) {
  return guarded("delete identity", [&] { return status_of(SignalRepository(db_).remove_identity(agent_id_, addr(a))); });
}

DatabaseSignalStore::Status DatabaseSignalStore::delete_all_identities(const std::string& name) {
  return guarded("delete identities", [&] { return status_of(SignalRepository(db_).remove_all_identities(agent_id_, name)); });
}

DatabaseSignalStore::Status DatabaseSignalStore::load_session(const es::SignalAddress& a, std::optional<es::Bytes>& out) {
  return guarded("load session", [&] {
    auto record = SignalRepository(db_).load_session(agent_id_, addr(a));
    if (!record) return Status::failure(record.error().message);
    out = std::move(*record);
    return Status::success();
  });
}

DatabaseSignalStore::Status DatabaseSignalStore::save_session(const es::SignalAddress& a, const es::Bytes& record) {
  return guarded("save session", [&] { return status_of(SignalRepository(db_).store_session(agent_id_, addr(a), record)); });
}

DatabaseSignalStore::Status DatabaseSignalStore::delete_session(const es::SignalAddress& a) {
  return guarded("delete session", [&] { return status_of(SignalRepository(db_).remove_session(agent_id_, addr(a))); });
}

DatabaseSignalStore::Status DatabaseSignalStore::delete_all_sessions(const std::string& name) {
  return guarded("delete sessions", [&] { return status_of(SignalRepository(db_).remove_all_sessions(agent_id_, name)); });
}

DatabaseSignalStore::Status DatabaseSignalStore::list_session_devices(const std::string& name, std::vector<std::int32_t>& out) {
  return guarded("list sessions", [&] {
    auto ids = SignalRepository(db_).session_device_ids(agent_id_, name);
    if (!ids) return Status::failure(ids.error().message);
    out = std::move(*ids);
    return Status::success();
  });
}

DatabaseSignalStore::Status DatabaseSignalStore::load_pre_key(std::uint32_t id, std::optional<es::PreKeyRecord>& out) {
  return guarded("load prekey", [&] {
    auto key = SignalRepository(db_).load_prekey(agent_id_, id);
    if (!key) return Status::failure(key.error().message);
    out.reset();
    if (!*key) return Status::success();
    auto priv = to_array<32>((*key)->private_key);
    auto pub = to_array<32>((*key)->public_key);
    if (!priv || !pub) return Status::failure("stored prekey " + std::to_string(id) + " has the wrong length");
    out = es::PreKeyRecord{id, engine::crypto::KeyPair{*priv, *pub}};
    return Status::success();
  });
}

DatabaseSignalStore::Status DatabaseSignalStore::save_pre_key(const es::PreKeyRecord& r) {
  return guarded("save prekey", [&] {
    std::vector<PreKey> keys = {PreKey{r.id, to_bytes(r.key_pair.private_key), to_bytes(r.key_pair.public_key), false}};
    return status_of(SignalRepository(db_).store_prekeys(agent_id_, keys));
  });
}

DatabaseSignalStore::Status DatabaseSignalStore::remove_pre_key(std::uint32_t id) {
  return guarded("remove prekey", [&] { return status_of(SignalRepository(db_).remove_prekey(agent_id_, id)); });
}

DatabaseSignalStore::Status DatabaseSignalStore::load_signed_pre_key(std::uint32_t id, std::optional<es::SignedPreKeyRecord>& out) {
  return guarded("load signed prekey", [&] {
    auto key = SignalRepository(db_).load_signed_prekey(agent_id_, id);
    if (!key) return Status::failure(key.error().message);
    out.reset();
    if (!*key) return Status::success();
    auto priv = to_array<32>((*key)->private_key);
    auto pub = to_array<32>((*key)->public_key);
    auto sig = to_array<64>((*key)->signature);
    if (!priv || !pub || !sig) return Status::failure("stored signed prekey " + std::to_string(id) + " has the wrong length");
    out = es::SignedPreKeyRecord{id, engine::crypto::KeyPair{*priv, *pub}, *sig,
                                 static_cast<std::uint64_t>((*key)->created_at_ms)};
    return Status::success();
  });
}

DatabaseSignalStore::Status DatabaseSignalStore::save_signed_pre_key(const es::SignedPreKeyRecord& r) {
  return guarded("save signed prekey", [&] {
    SignedPreKey key{r.id, to_bytes(r.key_pair.private_key), to_bytes(r.key_pair.public_key), to_bytes(r.signature),
                     static_cast<std::int64_t>(r.created_ms)};
    return status_of(SignalRepository(db_).store_signed_prekey(agent_id_, key));
  });
}

DatabaseSignalStore::Status DatabaseSignalStore::remove_signed_pre_key(std::uint32_t id) {
  return guarded("remove signed prekey", [&] { return status_of(SignalRepository(db_).remove_signed_prekey(agent_id_, id)); });
}

DatabaseSignalStore::Status DatabaseSignalStore::load_sender_key(const es::SenderKeyName& n, std::optional<es::Bytes>& out) {
  return guarded("load sender key", [&] {
    auto record = SignalRepository(db_).load_sender_key(agent_id_, sk(n));
    if (!record) return Status::failure(record.error().message);
    out = std::move(*record);
    return Status::success();
  });
}

DatabaseSignalStore::Status DatabaseSignalStore::save_sender_key(const es::SenderKeyName& n, const es::Bytes& record) {
  return guarded("save sender key", [&] { return status_of(SignalRepository(db_).store_sender_key(agent_id_, sk(n), record)); });
}

}  // namespace wabot::store
