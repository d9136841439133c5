// SPDX-License-Identifier: GPL-3.0-or-later
// Agent leases for several hosts on one PostgreSQL: a host runs an agent's WhatsApp connection only
// while it holds that agent's lease; it renews before expiry, and a dead host's leases expire so
// another host takes the agent over.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/store/clock.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

struct AgentLease {
  std::string agent_id;
  std::string holder;  // the host's id
  std::int64_t expires_at_ms = 0;
  std::int64_t acquired_at_ms = 0;
};

class AgentLeaseRepository {
 public:
  // The clock is each host's own: keep ttl_ms well above the clock skew between hosts.
  explicit AgentLeaseRepository(Database& db, Clock clock = system_clock()) : db_(db), clock_(std::move(clock)) {}

  // Takes the lease when it is free or expired, or renews it when `holder` already has it.
  // True when `holder` holds it afterwards (until now + ttl_ms); false when another live host does.
  Result<bool> acquire(std::string_view agent_id, std::string_view holder, std::int64_t ttl_ms);
  // Gives the lease up (graceful stop). False when `holder` did not hold it.
  Result<bool> release(std::string_view agent_id, std::string_view holder);
  // The current lease, expired or not; nullopt when none.
  Result<std::optional<AgentLease>> get(std::string_view agent_id);
  // Agent ids whose lease `holder` holds and has not let expire, ascending.
  Result<std::vector<std::string>> held_by(std::string_view holder);

 private:
  Database& db_;
  Clock clock_;
};

}  // namespace wabot::store
