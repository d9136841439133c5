// SPDX-License-Identifier: GPL-3.0-or-later
// Statement execution over Poco::Data: parameter binding, result conversion, and turning Poco's
// exceptions into store errors (exceptions stop here).
#include "host/store/connection.hpp"

#include <Poco/Data/LOB.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>

#include <deque>
#include <exception>
#include <string>

namespace wabot::store {
namespace {

using Poco::Data::Keywords::use;

// Classifies a driver message: constraint violations (SQLite "UNIQUE constraint failed", PostgreSQL
// "violates unique constraint") and lost connections get their own codes so callers can react.
ErrorCode classify(const std::string& message) {
  if (message.find("constraint failed") != std::string::npos || message.find("violates") != std::string::npos)
    return ErrorCode::constraint;
  if (message.find("database is locked") != std::string::npos || message.find("Connection") != std::string::npos ||
      message.find("connection") != std::string::npos || message.find("server closed") != std::string::npos)
    return ErrorCode::unavailable;
  return ErrorCode::internal;
}

// Keeps each bound value alive (Poco binds by reference) until the statement has run.
class Binder {
 public:
  void bind(Poco::Data::Statement& statement, const Params& params) {
    for (const SqlValue& value : params) {
      if (std::holds_alternative<std::monostate>(value)) {
        statement, use(Poco::Data::Keywords::null);
      } else if (auto* i = std::get_if<std::int64_t>(&value)) {
        statement, use(ints_.emplace_back(static_cast<Poco::Int64>(*i)));
      } else if (auto* s = std::get_if<std::string>(&value)) {
        statement, use(strings_.emplace_back(*s));
      } else if (auto* b = std::get_if<Bytes>(&value)) {
        Poco::Data::BLOB& blob = blobs_.emplace_back();
        if (!b->empty()) blob.assignRaw(b->data(), b->size());
        statement, use(blob);
      }
    }
  }

 private:
  std::deque<Poco::Int64> ints_;
  std::deque<std::string> strings_;
  std::deque<Poco::Data::BLOB> blobs_;
};

SqlValue to_value(const Poco::Dynamic::Var& var) {
  if (var.isEmpty()) return std::monostate{};
  const std::type_info& type = var.type();
  if (type == typeid(Poco::Data::BLOB)) {
    const auto& blob = var.extract<Poco::Data::BLOB>();
    return Bytes(blob.content().begin(), blob.content().end());
  }
  if (type == typeid(Poco::Data::CLOB)) {
    const auto& clob = var.extract<Poco::Data::CLOB>();
    return std::string(clob.content().begin(), clob.content().end());
  }
  if (var.isBoolean()) return static_cast<std::int64_t>(var.convert<bool>() ? 1 : 0);
  if (var.isInteger()) return static_cast<std::int64_t>(var.convert<Poco::Int64>());
  return var.convert<std::string>();
}

Error failure(std::string_view what, const std::string& cause) {
  return make_error(classify(cause), std::string(what) + ": " + cause);
}

}  // namespace

Result<Rows> Connection::query(std::string_view sql, const Params& params) {
  try {
    Poco::Data::Statement statement(session_);
    statement << std::string(sql);
    Binder binder;
    binder.bind(statement, params);
    statement.execute();
    Poco::Data::RecordSet records(statement);
    Rows rows;
    const std::size_t columns = records.columnCount();
    const std::size_t count = records.rowCount();
    rows.reserve(count);
    for (std::size_t r = 0; r < count; ++r) {
      std::vector<SqlValue> cells;
      cells.reserve(columns);
      for (std::size_t c = 0; c < columns; ++c) {
        if (records.isNull(c, r)) {
          cells.emplace_back(std::monostate{});
        } else {
          cells.push_back(to_value(records.value(c, r)));
        }
      }
      rows.emplace_back(std::move(cells));
    }
    return rows;
  } catch (const Poco::Exception& e) {
    return failure("query failed", e.displayText());
  } catch (const std::exception& e) {
    return failure("query failed", e.what());
  }
}

Result<std::uint64_t> Connection::execute(std::string_view sql, const Params& params) {
  try {
    Poco::Data::Statement statement(session_);
    statement << std::string(sql);
    Binder binder;
    binder.bind(statement, params);
    return static_cast<std::uint64_t>(statement.execute());
  } catch (const Poco::Exception& e) {
    return failure("statement failed", e.displayText());
  } catch (const std::exception& e) {
    return failure("statement failed", e.what());
  }
}

}  // namespace wabot::store
