// SPDX-License-Identifier: GPL-3.0-or-later
// The migration runner: version table bootstrap, advisory locking on PostgreSQL, one transaction per
// migration.
#include "host/store/migration.hpp"

#include <chrono>

#include "host/common/log.hpp"

namespace wabot::store {
namespace {

// pg_advisory_xact_lock key shared by every wabot host on one database ("wabot" in ASCII).
constexpr const char* kLockSql = "SELECT pg_advisory_xact_lock(512970878836)";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status lock_if_postgres(Connection& c) {
  if (c.dialect() != Dialect::postgres) return {};
  auto locked = c.query(kLockSql);
  if (!locked) return locked.error().with_context("cannot take the migration lock");
  return {};
}

Status ensure_version_table(Database& db) {
  return db.transaction([](Connection& c) -> Status {
    if (auto st = lock_if_postgres(c); !st) return st;
    // Looked up first rather than CREATE ... IF NOT EXISTS: PostgreSQL answers that with a NOTICE that
    // libpq prints to stderr on every start-up, outside our JSON log lines.
    auto found = c.query(c.dialect() == Dialect::sqlite
                             ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
                             : "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema()"
                               " AND table_name = 'schema_migrations'");
    if (!found) return found.error().with_context("cannot look up schema_migrations");
    if (!found->empty()) return {};
    auto made = c.execute(
        "CREATE TABLE schema_migrations ("
        " version BIGINT PRIMARY KEY,"
        " name TEXT NOT NULL,"
        " applied_at_ms BIGINT NOT NULL)");
    if (!made) return made.error().with_context("cannot create schema_migrations");
    return {};
  });
}

}  // namespace

Result<std::vector<std::int64_t>> applied_migrations(Database& db) {
  if (auto st = ensure_version_table(db); !st) return st.error().with_context("failed to read the schema version");
  return db.with_connection([](Connection& c) -> Result<std::vector<std::int64_t>> {
    auto rows = c.query("SELECT version FROM schema_migrations ORDER BY version");
    if (!rows) return rows.error().with_context("failed to read schema_migrations");
    std::vector<std::int64_t> versions;
    for (const Row& row : *rows) versions.push_back(row.int64(0));
    return versions;
  });
}

Result<MigrationReport> apply_migrations(Database& db, std::span<const Migration> migrations) {
  std::int64_t previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous || m.name.empty() || !m.statements)
      return make_error(ErrorCode::migration_failed, "migration list is invalid at version " + std::to_string(m.version) +
                                                         " (versions must increase and every migration needs a name and statements)");
    previous = m.version;
  }
  if (auto st = ensure_version_table(db); !st) return st.error();

  MigrationReport report;
  for (const Migration& m : migrations) {
    const std::string label = "migration " + std::to_string(m.version) + " (" + m.name + ")";
    auto applied = db.transaction([&](Connection& c) -> Result<bool> {
      if (auto st = lock_if_postgres(c); !st) return st.error();
      // Re-checked under the lock: another host may have applied it while we waited.
      auto seen = c.query("SELECT 1 FROM schema_migrations WHERE version = $1", {m.version});
      if (!seen) return seen.error();
      if (!seen->empty()) return false;
      std::size_t index = 0;
      for (const std::string& sql : m.statements(c.dialect())) {
        ++index;
        auto done = c.execute(sql);
        if (!done) return done.error().with_context("statement " + std::to_string(index));
      }
      auto recorded = c.execute("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)",
                                {m.version, m.name, now_ms()});
      if (!recorded) return recorded.error().with_context("cannot record it in schema_migrations");
      return true;
    });
    if (!applied) {
      log::error("migration failed", {{"migration", label}, {"error", applied.error().message}});
      return make_error(ErrorCode::migration_failed,
                        label + " failed and was rolled back: " + applied.error().message);
    }
    if (*applied) {
      report.applied.push_back(m.version);
      log::info("migration applied", {{"migration", label}});
    }
  }
  auto versions = applied_migrations(db);
  if (!versions) return versions.error();
  report.current_version = versions->empty() ? 0 : versions->back();
  if (!migrations.empty() && report.current_version > migrations.back().version)
    log::warn("the database schema is newer than this build",
              {{"database_version", std::to_string(report.current_version)},
               {"known_version", std::to_string(migrations.back().version)}});
  return report;
}

}  // namespace wabot::store
