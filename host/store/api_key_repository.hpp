// SPDX-License-Identifier: GPL-3.0-or-later
// Reads the shared api_keys table (owned by another service in PostgreSQL deployments; wabot never
// writes it there): the newest active access token of a user.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "host/store/database.hpp"

namespace wabot::store {

class ApiKeyRepository {
 public:
  explicit ApiKeyRepository(Database& db) : db_(db) {}

  // The access_token of the newest row with is_active = true for user_id; nullopt when none.
  // The token is a secret: callers never log it.
  Result<std::optional<std::string>> newest_active_token(std::string_view user_id);

 private:
  Database& db_;
};

}  // namespace wabot::store
