// SPDX-License-Identifier: GPL-3.0-or-later
// One numbered schema migration and the function that applies a list of them at start-up.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "host/store/database.hpp"

namespace wabot::store {

struct Migration {
  std::int64_t version = 0;  // strictly increasing, starting at 1
  std::string name;          // snake_case, shown in errors and in schema_migrations
  // The statements for a dialect, run in order inside one transaction. May be empty for a dialect
  // (e.g. api_keys is created only in SQLite mode); the version is recorded all the same.
  std::function<std::vector<std::string>(Dialect)> statements;
};

struct MigrationReport {
  std::vector<std::int64_t> applied;  // versions applied by this call
  std::int64_t current_version = 0;   // the highest version recorded afterwards
};

// Applies every migration not yet recorded in schema_migrations(version, name, applied_at_ms), each in
// its own transaction together with its record. A failing migration is rolled back whole and the error
// names it; earlier ones stay applied. On PostgreSQL each migration holds a transaction-scoped advisory
// lock and re-checks the version table under it, so hosts starting at once apply each migration once.
Result<MigrationReport> apply_migrations(Database& db, std::span<const Migration> migrations);

// The versions recorded in schema_migrations, ascending (empty when the table does not exist yet).
Result<std::vector<std::int64_t>> applied_migrations(Database& db);

}  // namespace wabot::store
