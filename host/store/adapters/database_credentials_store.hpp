// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's CredentialsStore on the database: engine Credentials <-> DeviceCredentialsRepository.
#pragma once

#include "host/engine/store/credentials_store.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

// One instance serves every agent (the agent id comes with each call). Thread-safe.
class DatabaseCredentialsStore final : public engine::store::CredentialsStore {
 public:
  explicit DatabaseCredentialsStore(Database& db) : db_(db) {}

  engine::Result<std::optional<engine::store::Credentials>> load(std::string_view agent_id) override;
  // One transaction; the signed prekey is mirrored into the Signal tables in it.
  engine::Status save(std::string_view agent_id, const engine::store::Credentials& credentials) override;
  // Deletes the credentials and every other engine row of the agent (clear_agent), atomically.
  engine::Status clear(std::string_view agent_id) override;

 private:
  Database& db_;
};

}  // namespace wabot::store
