// SPDX-License-Identifier: GPL-3.0-or-later
// AgentLeaseRepository: one conditional upsert decides who holds a lease, atomically on both backends.
#include "host/store/agent_lease_repository.hpp"

namespace wabot::store {

Result<bool> AgentLeaseRepository::acquire(std::string_view agent_id, std::string_view holder, std::int64_t ttl_ms) {
  if (agent_id.empty() || holder.empty() || ttl_ms <= 0)
    return make_error(ErrorCode::invalid_argument, "a lease needs an agent_id, a holder and a positive ttl_ms");
  const std::int64_t now = clock_();
  // The UPDATE branch only fires for our own lease or an expired one; otherwise no row changes.
  auto changed = db_.with_connection([&](Connection& c) {
    return c.execute(
        "INSERT INTO agent_leases (agent_id, holder, expires_at_ms, acquired_at_ms) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (agent_id) DO UPDATE SET holder = excluded.holder, expires_at_ms = excluded.expires_at_ms,"
        " acquired_at_ms = CASE WHEN agent_leases.holder = excluded.holder THEN agent_leases.acquired_at_ms"
        " ELSE excluded.acquired_at_ms END"
        " WHERE agent_leases.holder = excluded.holder OR agent_leases.expires_at_ms <= $4",
        {std::string(agent_id), std::string(holder), now + ttl_ms, now});
  });
  if (!changed)
    return changed.error().with_context("failed to acquire the lease of agent " + std::string(agent_id));
  return *changed > 0;
}

Result<bool> AgentLeaseRepository::release(std::string_view agent_id, std::string_view holder) {
  auto changed = db_.with_connection([&](Connection& c) {
    return c.execute("DELETE FROM agent_leases WHERE agent_id = $1 AND holder = $2",
                     {std::string(agent_id), std::string(holder)});
  });
  if (!changed)
    return changed.error().with_context("failed to release the lease of agent " + std::string(agent_id));
  return *changed > 0;
}

Result<std::optional<AgentLease>> AgentLeaseRepository::get(std::string_view agent_id) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query("SELECT agent_id, holder, expires_at_ms, acquired_at_ms FROM agent_leases WHERE agent_id = $1",
                   {std::string(agent_id)});
  });
  if (!rows) return rows.error().with_context("failed to read the lease of agent " + std::string(agent_id));
  if (rows->empty()) return std::optional<AgentLease>{};
  const Row& r = rows->front();
  return std::optional<AgentLease>(AgentLease{r.text(0), r.text(1), r.int64(2), r.int64(3)});
}

Result<std::vector<std::string>> AgentLeaseRepository::held_by(std::string_view holder) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT agent_id FROM agent_leases WHERE holder = $1 AND expires_at_ms > $2 ORDER BY agent_id",
        {std::string(holder), clock_()});
  });
  if (!rows) return rows.error().with_context("failed to list the leases of " + std::string(holder));
  std::vector<std::string> out;
  for (const Row& r : *rows) out.push_back(r.text(0));
  return out;
}

}  // namespace wabot::store
