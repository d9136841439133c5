// SPDX-License-Identifier: GPL-3.0-or-later
// The values the store binds as statement parameters and reads back from result cells.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace wabot::store {

using Bytes = std::vector<std::uint8_t>;

// NULL, an integer (also booleans, as 0/1), text, or a blob. Timestamps are epoch milliseconds
// (integers): PostgreSQL TIMESTAMP loses sub-second precision through Poco 1.11.
using SqlValue = std::variant<std::monostate, std::int64_t, std::string, Bytes>;
using Params = std::vector<SqlValue>;

inline SqlValue sql_null() { return std::monostate{}; }
template <class T>
SqlValue sql_optional(const std::optional<T>& value) {
  if (!value) return std::monostate{};
  return SqlValue(*value);
}

}  // namespace wabot::store
