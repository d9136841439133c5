// SPDX-License-Identifier: GPL-3.0-or-later
// A fresh, migrated database per test on either backend: SQLite in a new temporary directory, or a new
// PostgreSQL database on the `postgres` ctest fixture's cluster (WABOT_TEST_PG_CONNINFO_FILE).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "host/store/database.hpp"

namespace wabot::store::test {

enum class Backend { unset = 0, sqlite, postgres };

class TestDatabase {
 public:
  // Opens a fresh database; `migrated` applies the wabot schema. Throws std::runtime_error (the test
  // fails) when the backend is not available.
  static std::unique_ptr<TestDatabase> create(Backend backend, bool migrated = true);
  ~TestDatabase();

  Database& db() { return *db_; }
  // A URL that opens the same database again (a second host, or a restart).
  const std::string& url() const { return url_; }
  Backend backend() const { return backend_; }
  // Closes the handle (as a process exit would) so the test can reopen by url().
  void close() { db_.reset(); }
  void reopen();

  // Runs raw SQL outside the store's repositories (fixtures: e.g. api_keys in PostgreSQL).
  void exec(const std::string& sql);

 private:
  TestDatabase() = default;
  Backend backend_ = Backend::unset;
  std::string url_;
  std::unique_ptr<Database> db_;
  std::filesystem::path temp_dir_;
  std::string pg_database_;
};

// The postgres:// URL of the fixture cluster's administrative database.
std::string postgres_admin_url();

// A deterministic clock for tests: every call returns the next millisecond after `start_ms`.
class FakeClock {
 public:
  explicit FakeClock(std::int64_t start_ms = 1'700'000'000'000) : now_ms_(start_ms) {}
  std::int64_t next() { return ++now_ms_; }
  std::int64_t peek() const { return now_ms_.load(); }
  std::function<std::int64_t()> fn() {
    return [this] { return next(); };
  }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace wabot::store::test
