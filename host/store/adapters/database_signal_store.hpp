// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's SignalStore for one agent on the database (SignalRepository underneath). The local
// identity is the identity key of the agent's device credentials, so what pairing announced and what
// Signal uses can never differ.
#pragma once

#include <string>

#include "host/engine/store/signal_store.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

class DatabaseSignalStore final : public engine::store::SignalStore {
 public:
  DatabaseSignalStore(Database& db, std::string agent_id) : db_(db), agent_id_(std::move(agent_id)) {}

  using Status = engine::store::SignalStoreStatus;
  using Address = engine::store::SignalAddress;

  // Not found when the agent has no device credentials yet.
  Status load_local_identity(std::optional<engine::store::LocalIdentity>& out) override;
  // Fails when the agent has no device credentials (create them first through the credentials store).
  Status save_local_identity(const engine::store::LocalIdentity& identity) override;

  Status load_identity(const Address& address, std::optional<engine::store::Key32>& out) override;
  Status save_identity(const Address& address, const engine::store::Key32& identity_key) override;
  Status delete_identity(const Address& address) override;
  Status delete_all_identities(const std::string& name) override;

  Status load_session(const Address& address, std::optional<engine::store::Bytes>& out) override;
  Status save_session(const Address& address, const engine::store::Bytes& record) override;
  Status delete_session(const Address& address) override;
  Status delete_all_sessions(const std::string& name) override;
  Status list_session_devices(const std::string& name, std::vector<std::int32_t>& out) override;

  Status load_pre_key(std::uint32_t id, std::optional<engine::store::PreKeyRecord>& out) override;
  Status save_pre_key(const engine::store::PreKeyRecord& record) override;
  Status remove_pre_key(std::uint32_t id) override;

  Status load_signed_pre_key(std::uint32_t id, std::optional<engine::store::SignedPreKeyRecord>& out) override;
  Status save_signed_pre_key(const engine::store::SignedPreKeyRecord& record) override;
  Status remove_signed_pre_key(std::uint32_t id) override;

  Status load_sender_key(const engine::store::SenderKeyName& name, std::optional<engine::store::Bytes>& out) override;
  Status save_sender_key(const engine::store::SenderKeyName& name, const engine::store::Bytes& record) override;

 private:
  Database& db_;
  std::string agent_id_;
};

}  // namespace wabot::store
