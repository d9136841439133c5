// SPDX-License-Identifier: GPL-3.0-or-later
// Parses the DB_URL forms wabot accepts (sqlite://, postgres://, postgresql://) into what the
// connectors need: a file path for SQLite, a libpq key=value conninfo for PostgreSQL.
#pragma once

#include <string>
#include <string_view>

#include "host/store/result.hpp"

namespace wabot::store {

enum class Dialect { unset = 0, sqlite, postgres };

std::string_view dialect_name(Dialect dialect);

struct DatabaseUrl {
  Dialect dialect = Dialect::unset;
  // SQLite: the database file ("relative/path.db", "/absolute/path.db" or ":memory:").
  std::string sqlite_path;
  // PostgreSQL: libpq key=value conninfo (contains the password: never log it).
  std::string postgres_conninfo;
  // PostgreSQL: the password alone, so error texts can be scrubbed of it. Empty when none.
  std::string postgres_password;
  // The URL with any password replaced by "***": safe for logs and errors.
  std::string redacted;
};

// sqlite://relative/path.db, sqlite:///absolute/path.db,
// postgres[ql]://[user[:password]@][host][:port][/dbname][?key=value&...] (percent-decoded; query keys
// are libpq keywords such as sslmode or connect_timeout). Errors never contain the password.
Result<DatabaseUrl> parse_database_url(std::string_view url);

}  // namespace wabot::store
