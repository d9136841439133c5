// SPDX-License-Identifier: GPL-3.0-or-later
// LidMappingRepository: delete-then-insert in one transaction keeps both directions one-to-one.
#include "host/store/lid_mapping_repository.hpp"

namespace wabot::store {

namespace {

Status put_pair(Connection& c, std::string_view agent_id, std::string_view lid, std::string_view pn, std::int64_t now_ms) {
  auto removed = c.execute("DELETE FROM engine_lid_mappings WHERE agent_id = $1 AND (lid = $2 OR pn = $3)",
                           {std::string(agent_id), std::string(lid), std::string(pn)});
  if (!removed) return removed.error();
  auto inserted = c.execute("INSERT INTO engine_lid_mappings (agent_id, lid, pn, updated_at_ms) VALUES ($1, $2, $3, $4)",
                            {std::string(agent_id), std::string(lid), std::string(pn), now_ms});
  if (!inserted) return inserted.error();
  return {};
}

}  // namespace

Status LidMappingRepository::put(std::string_view agent_id, std::string_view lid, std::string_view pn) {
  if (lid.empty() || pn.empty()) return make_error(ErrorCode::invalid_argument, "a LID mapping needs both a lid and a pn");
  auto done = db_.transaction([&](Connection& c) -> Status { return put_pair(c, agent_id, lid, pn, clock_()); });
  if (!done)
    return done.error().with_context("failed to map " + std::string(lid) + " to " + std::string(pn) + " for agent " +
                                     std::string(agent_id));
  return {};
}

Status LidMappingRepository::put_many(std::string_view agent_id,
                                      const std::vector<std::pair<std::string, std::string>>& lid_pn_pairs) {
  for (const auto& [lid, pn] : lid_pn_pairs)
    if (lid.empty() || pn.empty()) return make_error(ErrorCode::invalid_argument, "a LID mapping needs both a lid and a pn");
  if (lid_pn_pairs.empty()) return {};
  const std::int64_t now_ms = clock_();
  auto done = db_.transaction([&](Connection& c) -> Status {
    for (const auto& [lid, pn] : lid_pn_pairs)
      if (auto st = put_pair(c, agent_id, lid, pn, now_ms); !st) return st;
    return {};
  });
  if (!done)
    return done.error().with_context("failed to store " + std::to_string(lid_pn_pairs.size()) + " LID mappings for agent " +
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
