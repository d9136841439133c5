// SPDX-License-Identifier: GPL-3.0-or-later
// The database handle: opened from DB_URL (SQLite file or PostgreSQL), hands out connections to
// callbacks, runs transactions, and answers the health check. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "host/store/connection.hpp"
#include "host/store/database_url.hpp"
#include "host/store/result.hpp"

namespace wabot::store {

struct DatabaseOptions {
  // SQLite: how long a statement waits for another process's lock before failing.
  int sqlite_busy_timeout_ms = 5000;
  // PostgreSQL: the most connections the pool opens, and how long a caller waits for a free one.
  int postgres_pool_max_sessions = 16;
  int postgres_acquire_timeout_ms = 10000;
  // PostgreSQL: idle pooled connections are closed after this long.
  int postgres_idle_s = 60;
};

class Database {
 public:
  // Opens (SQLite: creates the file and its parent directories; PostgreSQL: connects once to prove
  // the server answers). The error names the redacted URL, never the password.
  static Result<std::unique_ptr<Database>> open(std::string_view url, const DatabaseOptions& options = {});

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const;
  // The URL with the password replaced by "***".
  const std::string& redacted_url() const;

  // A trivial round trip (SELECT 1); for GET /health.
  Status healthy();

  // Callbacks must use the Connection they are given: calling the Database again from inside one is
  // refused on SQLite (it would deadlock on the single connection) and takes a second pooled
  // connection on PostgreSQL (outside the transaction).

  // Runs fn(Connection&) on one connection, outside a transaction. fn returns a Result<T>.
  template <class F>
  auto with_connection(F&& fn) -> std::invoke_result_t<F, Connection&> {
    return run_returning(false, std::forward<F>(fn));
  }

  // Runs fn(Connection&) inside one transaction: committed when fn returns a value, rolled back when
  // it returns an error or throws. SQLite takes the write lock at BEGIN (IMMEDIATE), so concurrent
  // writers wait instead of failing on lock upgrade.
  template <class F>
  auto transaction(F&& fn) -> std::invoke_result_t<F, Connection&> {
    return run_returning(true, std::forward<F>(fn));
  }

 private:
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);

  Status run(bool transactional, const std::function<Status(Connection&)>& fn);

  template <class F>
  auto run_returning(bool transactional, F&& fn) -> std::invoke_result_t<F, Connection&> {
    using R = std::invoke_result_t<F, Connection&>;
    std::optional<R> out;
    Status status = run(transactional, [&](Connection& connection) -> Status {
      out.emplace(fn(connection));
      if (!out->ok()) return out->error();
      return {};
    });
    if (!status.ok()) return status.error();
    return std::move(*out);
  }

  std::unique_ptr<Impl> impl_;
};

}  // namespace wabot::store
