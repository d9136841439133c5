// SPDX-License-Identifier: GPL-3.0-or-later
// LidMappingRepository: delete-then-insert in one transaction keeps both directions one-to-one.
#include "host/store/lid_mapping_repository.hpp"

#include <map>
#include <set>

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
  // Applying the pairs one by one (each replacing older pairs sharing a side) leaves: no old row that
  // shares a LID or PN with any pair of the batch, plus the batch's surviving pairs. Computed here,
  // then written with a few multi-row statements instead of two statements per pair.
  std::map<std::string, std::string> lid_to_pn, pn_to_lid;
  std::set<std::string> lids, pns;
  for (const auto& [lid, pn] : lid_pn_pairs) {
    lids.insert(lid);
    pns.insert(pn);
    if (auto old = lid_to_pn.find(lid); old != lid_to_pn.end()) pn_to_lid.erase(old->second);
    if (auto old = pn_to_lid.find(pn); old != pn_to_lid.end()) lid_to_pn.erase(old->second);
    lid_to_pn[lid] = pn;
    pn_to_lid[pn] = lid;
  }
  constexpr std::size_t kChunk = 400;  // bound placeholders per statement (SQLite and PostgreSQL limits)
  const std::int64_t now_ms = clock_();
  auto done = db_.transaction([&](Connection& c) -> Status {
    auto delete_where = [&](const char* column, const std::set<std::string>& values) -> Status {
      std::vector<std::string> chunk;
      auto flush = [&]() -> Status {
        if (chunk.empty()) return {};
        std::string sql = std::string("DELETE FROM engine_lid_mappings WHERE agent_id = $1 AND ") + column + " IN (";
        Params params{std::string(agent_id)};
        for (std::size_t i = 0; i < chunk.size(); ++i) {
          sql += (i ? ", $" : "$") + std::to_string(i + 2);
          params.push_back(chunk[i]);
        }
        sql += ")";
        chunk.clear();
        auto removed = c.execute(sql, params);
        if (!removed) return removed.error();
        return {};
      };
      for (const auto& v : values) {
        chunk.push_back(v);
        if (chunk.size() == kChunk)
          if (auto st = flush(); !st) return st;
      }
      return flush();
    };
    if (auto st = delete_where("lid", lids); !st) return st;
    if (auto st = delete_where("pn", pns); !st) return st;
    std::string sql;
    Params params;
    std::size_t rows = 0;
    auto flush = [&]() -> Status {
      if (rows == 0) return {};
      auto inserted = c.execute("INSERT INTO engine_lid_mappings (agent_id, lid, pn, updated_at_ms) VALUES " + sql, params);
      sql.clear();
      params.clear();
      rows = 0;
      if (!inserted) return inserted.error();
      return {};
    };
    for (const auto& [lid, pn] : lid_to_pn) {
      const std::size_t n = params.size();
      sql += std::string(rows ? ", " : "") + "($" + std::to_string(n + 1) + ", $" + std::to_string(n + 2) + ", $" +
             std::to_string(n + 3) + ", $" + std::to_string(n + 4) + ")";
      // emplace with the alternative named: GCC 12 warns (falsely) on pushing converted temporaries.
      params.emplace_back(std::in_place_type<std::string>, agent_id);
      params.emplace_back(std::in_place_type<std::string>, lid);
      params.emplace_back(std::in_place_type<std::string>, pn);
      params.emplace_back(std::in_place_type<std::int64_t>, now_ms);
      if (++rows == kChunk)
        if (auto st = flush(); !st) return st;
    }
    return flush();
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
