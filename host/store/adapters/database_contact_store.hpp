// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's ContactStore for one agent on the database (LidMappingRepository,
// PrivacyTokenRepository and NctSaltRepository underneath).
#pragma once

#include <string>

#include "host/engine/store/contact_store.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

class DatabaseContactStore final : public engine::store::ContactStore {
 public:
  DatabaseContactStore(Database& db, std::string agent_id) : db_(db), agent_id_(std::move(agent_id)) {}

  engine::Status put_lid_mappings(const std::vector<engine::store::LidMapping>& mappings) override;
  engine::Result<std::optional<std::string>> lid_for_pn(std::string_view pn_user) override;
  engine::Result<std::optional<std::string>> pn_for_lid(std::string_view lid_user) override;

  engine::Status put_privacy_token(std::string_view jid, const engine::store::PrivacyToken& token) override;
  engine::Result<std::optional<engine::store::PrivacyToken>> privacy_token(std::string_view jid) override;

  engine::Status put_nct_salt(const engine::crypto::Bytes& salt) override;
  engine::Result<std::optional<engine::crypto::Bytes>> nct_salt() override;

 private:
  Database& db_;
  std::string agent_id_;
};

}  // namespace wabot::store
