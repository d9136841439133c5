// SPDX-License-Identifier: GPL-3.0-or-later
// Database: one serialised SQLite connection (SQLite writes are serial anyway; one connection keeps
// PRAGMAs and transactions simple) or a bounded PostgreSQL session pool.
#include "host/store/database.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Exception.h>

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <semaphore>
#include <thread>
#include <atomic>

#include "host/common/log.hpp"

namespace wabot::store {
namespace {

void register_connectors() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::PostgreSQL::Connector::registerConnector();
  });
}

// Replaces every occurrence of the password in a message (drivers may echo connection details).
std::string scrub(std::string message, const std::string& secret) {
  if (secret.empty()) return message;
  for (std::size_t at = message.find(secret); at != std::string::npos; at = message.find(secret, at + 3))
    message.replace(at, secret.size(), "***");
  return message;
}

Error scrubbed(Error error, const std::string& secret) {
  error.message = scrub(std::move(error.message), secret);
  return error;
}

constexpr std::ptrdiff_t kMaxPoolSessions = 1024;

// Poco's displayText() carries the driver's message; plain std::exception only has what().
std::string describe(const std::exception& e) {
  if (auto* poco = dynamic_cast<const Poco::Exception*>(&e)) return poco->displayText();
  return e.what();
}

// For catch (...): whatever was thrown, as text.
std::string describe_current() {
  try {
    throw;
  } catch (const std::exception& e) {
    return describe(e);
  } catch (...) {
    return "unknown exception";
  }
}

// Poco 1.11 leaks the libpq connection object (~34 KB) on every failed connect. Before any call that
// may open a new connection, PQping (which cleans up after itself) checks that the server answers, so
// an outage costs failed pings instead of leaked memory.
std::optional<std::string> ping_postgres(const std::string& conninfo) {
  switch (PQping(conninfo.c_str())) {
    case PQPING_OK: return std::nullopt;
    case PQPING_REJECT: return "the server rejects connections (starting up or shutting down?)";
    case PQPING_NO_RESPONSE: return "the server does not answer";
    case PQPING_NO_ATTEMPT: return "bad connection parameters";
  }
  return "unknown ping result";
}

}  // namespace

struct Database::Impl {
  DatabaseUrl url;
  DatabaseOptions options;
  // SQLite
  std::mutex sqlite_mutex;
  // The thread inside a SQLite call: a nested call from the same thread (a repository used inside a
  // transaction callback) would wait on sqlite_mutex forever, so it is refused instead.
  std::atomic<std::thread::id> sqlite_owner{};
  std::unique_ptr<Poco::Data::Session> sqlite_session;
  // PostgreSQL
  std::unique_ptr<Poco::Data::SessionPool> pool;
  std::unique_ptr<std::counting_semaphore<kMaxPoolSessions>> pool_slots;
  // Set after a call failed as unavailable, cleared by the next success: while set, every call pings
  // first, so an outage does not make the pool (re)connect through Poco on each call.
  std::atomic<bool> postgres_suspect{false};
};

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Database::~Database() {
  try {
    if (impl_ && impl_->pool) impl_->pool->shutdown();
  } catch (...) {
    // Closing connections at shutdown cannot be acted on; the process is going away.
  }
}

Dialect Database::dialect() const { return impl_->url.dialect; }
const std::string& Database::redacted_url() const { return impl_->url.redacted; }

Result<std::unique_ptr<Database>> Database::open(std::string_view url_text, const DatabaseOptions& options) {
  auto url = parse_database_url(url_text);
  if (!url) return url.error();
  register_connectors();
  auto impl = std::make_unique<Impl>();
  impl->url = std::move(url).value();
  impl->options = options;
  const std::string& redacted = impl->url.redacted;
  const std::string& secret = impl->url.postgres_password;

  if (impl->url.dialect == Dialect::sqlite) {
    const std::string& path = impl->url.sqlite_path;
    if (path != ":memory:") {
      std::filesystem::path parent = std::filesystem::path(path).parent_path();
      std::error_code ec;
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
      if (ec)
        return make_error(ErrorCode::unavailable, "cannot create the directory " + parent.string() +
                                                      " for the SQLite database: " + ec.message());
    }
    try {
      impl->sqlite_session = std::make_unique<Poco::Data::Session>("SQLite", path);
      Poco::Data::Session& s = *impl->sqlite_session;
      using Poco::Data::Keywords::now;
      s << "PRAGMA busy_timeout = " + std::to_string(options.sqlite_busy_timeout_ms), now;
      s << "PRAGMA foreign_keys = ON", now;
      s << "PRAGMA journal_mode = WAL", now;
      // WAL with synchronous=NORMAL is durable against process crashes (only an OS crash can lose
      // the last commits), which is the failure the credentials guarantee is about.
      s << "PRAGMA synchronous = NORMAL", now;
    } catch (const std::exception& e) {
      return make_error(ErrorCode::unavailable, "cannot open the SQLite database " + redacted + ": " + describe(e));
    }
  } else {
    // Sessions run in UTC so TIMESTAMP WITHOUT TIME ZONE columns of an adopted whatsapp_user table
    // convert to and from epoch milliseconds the same way on every host.
    if (impl->url.postgres_conninfo.find("options=") == std::string::npos)
      impl->url.postgres_conninfo += " options='-cTimeZone=UTC'";  // no space: Poco 1.11 splits on spaces
    int max_sessions = std::clamp(options.postgres_pool_max_sessions, 1, static_cast<int>(kMaxPoolSessions));
    if (auto down = ping_postgres(impl->url.postgres_conninfo))
      return make_error(ErrorCode::unavailable, scrub("cannot connect to " + redacted + ": " + *down, secret));
    try {
      impl->pool = std::make_unique<Poco::Data::SessionPool>("PostgreSQL", impl->url.postgres_conninfo, 1,
                                                             max_sessions, std::max(1, options.postgres_idle_s));
      impl->pool_slots = std::make_unique<std::counting_semaphore<kMaxPoolSessions>>(max_sessions);
      Poco::Data::Session probe = impl->pool->get();
      using Poco::Data::Keywords::now;
      probe << "SELECT 1", now;
    } catch (const std::exception& e) {
      return make_error(ErrorCode::unavailable, scrub("cannot connect to " + redacted + ": " + describe(e), secret));
    }
  }
  log::info("database opened", {{"url", redacted}, {"dialect", dialect_name(impl->url.dialect)}});
  return std::unique_ptr<Database>(new Database(std::move(impl)));
}

Status Database::run(bool transactional, const std::function<Status(Connection&)>& fn) {
  Impl& d = *impl_;
  const std::string& secret = d.url.postgres_password;

  auto body = [&](Poco::Data::Session& session) -> Status {
    Connection connection(session, d.url.dialect);
    bool begun = false;
    try {
      if (transactional) {
        if (d.url.dialect == Dialect::sqlite) {
          session << "BEGIN IMMEDIATE", Poco::Data::Keywords::now;
        } else {
          session.begin();
        }
        begun = true;
      }
      Status status = fn(connection);
      if (begun) {
        if (status.ok()) {
          if (d.url.dialect == Dialect::sqlite) {
            session << "COMMIT", Poco::Data::Keywords::now;
          } else {
            session.commit();
          }
        } else if (d.url.dialect == Dialect::sqlite) {
          session << "ROLLBACK", Poco::Data::Keywords::now;
        } else {
          session.rollback();
        }
      }
      return status;
    } catch (...) {
      std::string what = describe_current();
      if (begun) {
        try {
          if (d.url.dialect == Dialect::sqlite) {
            session << "ROLLBACK", Poco::Data::Keywords::now;
          } else {
            session.rollback();
          }
        } catch (...) {
          // The connection is broken; the server rolls back on its own when it goes.
        }
      }
      ErrorCode code = what.find("locked") != std::string::npos || what.find("onnection") != std::string::npos
                           ? ErrorCode::unavailable
                           : ErrorCode::internal;
      return make_error(code, (begun ? "transaction failed: " : "database call failed: ") + what);
    }
  };

  Status result;
  if (d.url.dialect == Dialect::sqlite) {
    if (d.sqlite_owner.load() == std::this_thread::get_id())
      return make_error(ErrorCode::internal,
                        "nested database call on the same thread (use the Connection passed to the callback)");
    std::lock_guard lock(d.sqlite_mutex);
    d.sqlite_owner.store(std::this_thread::get_id());
    result = body(*d.sqlite_session);
    d.sqlite_owner.store(std::thread::id{});
  } else {
    auto timeout = std::chrono::milliseconds(std::max(0, d.options.postgres_acquire_timeout_ms));
    if (!d.pool_slots->try_acquire_for(timeout))
      return make_error(ErrorCode::unavailable, "no free database connection after " +
                                                    std::to_string(d.options.postgres_acquire_timeout_ms) + " ms");
    if (d.postgres_suspect.load() || d.pool->idle() == 0) {
      if (auto down = ping_postgres(d.url.postgres_conninfo)) {
        d.pool_slots->release();
        return make_error(ErrorCode::unavailable, "cannot get a database connection: " + *down);
      }
    }
    try {
      Poco::Data::Session session = d.pool->get();
      result = body(session);
    } catch (const Poco::Exception& e) {
      result = make_error(ErrorCode::unavailable, "cannot get a database connection: " + e.displayText());
    } catch (const std::exception& e) {
      result = make_error(ErrorCode::unavailable, std::string("cannot get a database connection: ") + e.what());
    }
    d.pool_slots->release();
    d.postgres_suspect.store(!result.ok() && result.error().code == ErrorCode::unavailable);
  }
  if (!result.ok()) return scrubbed(result.error(), secret);
  return result;
}

Status Database::healthy() {
  return with_connection([](Connection& c) -> Status {
    auto rows = c.query("SELECT 1");
    if (!rows) return rows.error().with_context("database health check failed");
    return {};
  });
}

}  // namespace wabot::store
