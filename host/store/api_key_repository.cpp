// SPDX-License-Identifier: GPL-3.0-or-later
// ApiKeyRepository: one SELECT that tolerates the other service's column types.
#include "host/store/api_key_repository.hpp"

namespace wabot::store {

Result<std::optional<std::string>> ApiKeyRepository::newest_active_token(std::string_view user_id) {
  // CAST: the owning service may declare user_id as UUID; comparing as text accepts any user id
  // instead of failing on a non-UUID one. is_active = TRUE works for BOOLEAN and SQLite's 0/1.
  // NULLS LAST: PostgreSQL sorts NULL first in DESC order; a row without a date must not win.
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT access_token FROM api_keys WHERE CAST(user_id AS TEXT) = $1 AND is_active = TRUE"
        " AND access_token IS NOT NULL ORDER BY created_at DESC NULLS LAST LIMIT 1",
        {std::string(user_id)});
  });
  if (!rows) return rows.error().with_context("failed to read the API key of user " + std::string(user_id));
  if (rows->empty()) return std::optional<std::string>{};
  return std::optional<std::string>(rows->front().text(0));
}

}  // namespace wabot::store
