// SPDX-License-Identifier: GPL-3.0-or-later
// LidMappingRepository: delete-then-insert in one transaction keeps both directions one-to-one.
#include "host/store/lid_mapping_repository.hpp"

namespace wabot::store {

Status LidMappingRepository::put(std::string_view agent_id, std::string_view lid, std::string_view pn) {
  if (lid.empty() || pn.empty()) return make_error(ErrorCode::invalid_argument, "a LID mapping needs both a lid and a pn");
  auto done = db_.transaction([&](Connection& c) -> Status {
    auto removed = c.execute("DELETE FROM engine_lid_mappings WHERE agent_id = $1 AND (lid = $2 OR pn = $3)",
                             {std::string(agent_id), std::string(lid), std::string(pn)});
    if (!removed) return removed.error();
    auto inserted = c.execute(
        "INSERT INTO engine_lid_mappings (agent_id, lid, pn, updated_at_ms) VALUES ($1, $2, $3, $4)",
        {std::string(agent_id), std::string(lid), std::string(pn), clock_()});
    if (!inserted) return inserted.error();
    return {};
  });
  if (!done)
    return done.error().with_context("failed to map " + std::string(lid) + " to " + std::string(pn) + " for agent " +
                                     std::string(agent_id));
  return {};
}

Result<std::optional<std::string>> LidMappingRepository::pn_for_lid(std::string_view agent_id, std::string_view lid) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query("SELECT pn FROM engine_lid_mappings WHERE agent_id = $1 AND lid = $2",
                   {std::string(agent_id), std::string(lid)});
  });
  if (!rows) return rows.error().with_context("failed to look up the phone number of " + std::string(lid));
  if (rows->empty()) return std::optional<std::string>{};
  return std::optional<std::string>(rows->front().text(0));
}

Result<std::optional<std::string>> LidMappingRepository::lid_for_pn(std::string_view agent_id, std::string_view pn) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query("SELECT lid FROM engine_lid_mappings WHERE agent_id = $1 AND pn = $2",
                   {std::string(agent_id), std::string(pn)});
  });
  if (!rows) return rows.error().with_context("failed to look up the LID of " + std::string(pn));
  if (rows->empty()) return std::optional<std::string>{};
  return std::optional<std::string>(rows->front().text(0));
}

}  // namespace wabot::store
