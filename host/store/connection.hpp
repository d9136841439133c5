// SPDX-License-Identifier: GPL-3.0-or-later
// A borrowed database connection: runs one SQL statement with $1..$n parameters and returns rows or
// the affected-row count. Only valid inside a Database::with_connection/transaction callback.
#pragma once

#include <cstdint>
#include <string_view>

#include "host/store/database_url.hpp"
#include "host/store/result.hpp"
#include "host/store/row.hpp"
#include "host/store/sql_value.hpp"

namespace Poco::Data {
class Session;
}

namespace wabot::store {

class Connection {
 public:
  Connection(Poco::Data::Session& session, Dialect dialect) : session_(session), dialect_(dialect) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Dialect dialect() const { return dialect_; }

  // A statement that returns rows (SELECT). `$1`-style placeholders work on both backends.
  Result<Rows> query(std::string_view sql, const Params& params = {});
  // A statement that returns no rows; the result is the number of rows it changed.
  Result<std::uint64_t> execute(std::string_view sql, const Params& params = {});

 private:
  Poco::Data::Session& session_;
  Dialect dialect_;
};

}  // namespace wabot::store
