// SPDX-License-Identifier: GPL-3.0-or-later
// One result row, with typed getters that smooth over how each backend reports a column's type
// (SQLite gives aggregates as text, PostgreSQL gives booleans as bool and TEXT as a character LOB).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/store/sql_value.hpp"

namespace wabot::store {

class Row {
 public:
  Row() = default;
  explicit Row(std::vector<SqlValue> cells) : cells_(std::move(cells)) {}

  std::size_t size() const { return cells_.size(); }
  const SqlValue& cell(std::size_t index) const;

  bool is_null(std::size_t index) const;
  // Getters return the zero value for NULL or an index out of range; the opt_ forms return nullopt.
  std::string text(std::size_t index) const;
  std::optional<std::string> opt_text(std::size_t index) const;
  std::int64_t int64(std::size_t index) const;
  std::optional<std::int64_t> opt_int64(std::size_t index) const;
  Bytes bytes(std::size_t index) const;

 private:
  std::vector<SqlValue> cells_;
};

using Rows = std::vector<Row>;

}  // namespace wabot::store
