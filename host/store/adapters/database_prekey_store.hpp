// SPDX-License-Identifier: GPL-3.0-or-later
// The engine client's PreKeyStore on the database: fresh one-time prekeys with ids from the device
// credentials' counter, persisted before they are uploaded.
#pragma once

#include "host/engine/client/prekey_store.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

// One instance serves every agent. Thread-safe.
class DatabasePreKeyStore final : public engine::client::PreKeyStore {
 public:
  explicit DatabasePreKeyStore(Database& db) : db_(db) {}

  // count 1..10000; fails when the agent has no device credentials.
  engine::Result<std::vector<engine::client::PreKey>> generate_pre_keys(std::string_view agent_id,
                                                                        std::size_t count) override;
  engine::Status mark_uploaded(std::string_view agent_id, std::uint32_t up_to_id) override;

 private:
  Database& db_;
};

}  // namespace wabot::store
