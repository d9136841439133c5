// SPDX-License-Identifier: GPL-3.0-or-later
// clear_agent: one DELETE per engine table inside a single transaction.
#include "host/store/clear_agent.hpp"

#include <string>

namespace wabot::store {

const std::vector<const char*>& engine_tables() {
  static const std::vector<const char*> tables = {
      "engine_device_credentials", "engine_identity_keys", "engine_prekeys",
      "engine_signed_prekeys",     "engine_signal_sessions", "engine_sender_keys",
      "engine_device_lists",       "engine_lid_mappings",  "engine_privacy_tokens",
      "engine_nct_salts",
  };
  return tables;
}

Result<std::uint64_t> clear_agent(Connection& c, std::string_view agent_id) {
  std::uint64_t total = 0;
  for (const char* table : engine_tables()) {
    auto deleted = c.execute(std::string("DELETE FROM ") + table + " WHERE agent_id = $1", {std::string(agent_id)});
    if (!deleted) return deleted.error().with_context(std::string("cannot clear ") + table);
    total += *deleted;
  }
  return total;
}

Result<std::uint64_t> clear_agent(Database& db, std::string_view agent_id) {
  auto out = db.transaction([&](Connection& c) { return clear_agent(c, agent_id); });
  if (!out) return out.error().with_context("failed to clear the engine state of agent " + std::string(agent_id));
  return out;
}

}  // namespace wabot::store
