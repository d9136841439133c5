// SPDX-License-Identifier: GPL-3.0-or-later
// NctSaltRepository: one row per agent, replaced on update.
#include "host/store/nct_salt_repository.hpp"

#include <string>

namespace wabot::store {

Status NctSaltRepository::put(std::string_view agent_id, const Bytes& salt) {
  if (salt.empty()) return make_error(ErrorCode::invalid_argument, "an NCT salt cannot be empty");
  auto done = db_.with_connection([&](Connection& c) {
    return c.execute(
        "INSERT INTO engine_nct_salts (agent_id, salt, updated_at_ms) VALUES ($1, $2, $3)"
        " ON CONFLICT (agent_id) DO UPDATE SET salt = excluded.salt, updated_at_ms = excluded.updated_at_ms",
        {std::string(agent_id), salt, clock_()});
  });
  if (!done) return done.error().with_context("failed to store the NCT salt of agent " + std::string(agent_id));
  return {};
}

Result<std::optional<Bytes>> NctSaltRepository::get(std::string_view agent_id) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query("SELECT salt FROM engine_nct_salts WHERE agent_id = $1", {std::string(agent_id)});
  });
  if (!rows) return rows.error().with_context("failed to load the NCT salt of agent " + std::string(agent_id));
  if (rows->empty()) return std::optional<Bytes>{};
  return std::optional<Bytes>(rows->front().bytes(0));
}

}  // namespace wabot::store
