// SPDX-License-Identifier: GPL-3.0-or-later
// PrivacyTokenRepository: one token per (agent, contact), replaced on update.
#include "host/store/privacy_token_repository.hpp"

#include <string>

namespace wabot::store {

Status PrivacyTokenRepository::put(std::string_view agent_id, std::string_view jid, const PrivacyToken& token) {
  auto done = db_.with_connection([&](Connection& c) {
    return c.execute(
        "INSERT INTO engine_privacy_tokens (agent_id, jid, token, timestamp_ms, updated_at_ms)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (agent_id, jid) DO UPDATE SET token = excluded.token,"
        " timestamp_ms = excluded.timestamp_ms, updated_at_ms = excluded.updated_at_ms",
        {std::string(agent_id), std::string(jid), token.token, token.timestamp_ms, clock_()});
  });
  if (!done)
    return done.error().with_context("failed to store the privacy token of " + std::string(jid) + " for agent " +
                                     std::string(agent_id));
  return {};
}

Result<std::optional<PrivacyToken>> PrivacyTokenRepository::get(std::string_view agent_id, std::string_view jid) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query("SELECT token, timestamp_ms FROM engine_privacy_tokens WHERE agent_id = $1 AND jid = $2",
                   {std::string(agent_id), std::string(jid)});
  });
  if (!rows)
    return rows.error().with_context("failed to load the privacy token of " + std::string(jid) + " for agent " +
                                     std::string(agent_id));
  if (rows->empty()) return std::optional<PrivacyToken>{};
  return std::optional<PrivacyToken>(PrivacyToken{rows->front().bytes(0), rows->front().int64(1)});
}

Result<bool> PrivacyTokenRepository::remove(std::string_view agent_id, std::string_view jid) {
  auto changed = db_.with_connection([&](Connection& c) {
    return c.execute("DELETE FROM engine_privacy_tokens WHERE agent_id = $1 AND jid = $2",
                     {std::string(agent_id), std::string(jid)});
  });
  if (!changed)
    return changed.error().with_context("failed to remove the privacy token of " + std::string(jid) + " for agent " +
                                        std::string(agent_id));
  return *changed > 0;
}

}  // namespace wabot::store
