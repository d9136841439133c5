// SPDX-License-Identifier: GPL-3.0-or-later
// Deletes every engine row of one agent (credentials, Signal state, caches) in one transaction: what
// logout, DELETE /sessions and reconnect use so no half-cleared device is ever left behind.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "host/store/database.hpp"

namespace wabot::store {

// The engine's tables, all keyed by agent_id first.
const std::vector<const char*>& engine_tables();

// Number of rows deleted across all engine tables.
Result<std::uint64_t> clear_agent(Database& db, std::string_view agent_id);
// The same inside a transaction the caller already holds.
Result<std::uint64_t> clear_agent(Connection& connection, std::string_view agent_id);

}  // namespace wabot::store
