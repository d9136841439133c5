// SPDX-License-Identifier: GPL-3.0-or-later
// Row getters: conversions between the cell kinds the two backends produce.
#include "host/store/row.hpp"

#include <charconv>

namespace wabot::store {
namespace {
const SqlValue kNull{};
}

const SqlValue& Row::cell(std::size_t index) const { return index < cells_.size() ? cells_[index] : kNull; }

bool Row::is_null(std::size_t index) const { return std::holds_alternative<std::monostate>(cell(index)); }

std::string Row::text(std::size_t index) const {
  const SqlValue& v = cell(index);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (auto* b = std::get_if<Bytes>(&v)) return std::string(b->begin(), b->end());
  return {};
}

std::optional<std::string> Row::opt_text(std::size_t index) const {
  if (is_null(index)) return std::nullopt;
  return text(index);
}

std::int64_t Row::int64(std::size_t index) const {
  const SqlValue& v = cell(index);
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto* s = std::get_if<std::string>(&v)) {
    std::int64_t out = 0;
    const char* begin = s->data();
    const char* end = s->data() + s->size();
    auto [ptr, ec] = std::from_chars(begin, end, out);
    if (ec == std::errc() && ptr == end) return out;
    if (*s == "t" || *s == "true") return 1;  // PostgreSQL boolean text form
    // SQLite reports SUM()/AVG() over integers in some cases as "12.0"; take the integral part.
    double d = 0;
    auto [dptr, dec] = std::from_chars(begin, end, d);
    if (dec == std::errc() && dptr == end) return static_cast<std::int64_t>(d);
  }
  return 0;
}

std::optional<std::int64_t> Row::opt_int64(std::size_t index) const {
  if (is_null(index)) return std::nullopt;
  return int64(index);
}

Bytes Row::bytes(std::size_t index) const {
  const SqlValue& v = cell(index);
  if (auto* b = std::get_if<Bytes>(&v)) return *b;
  if (auto* s = std::get_if<std::string>(&v)) return Bytes(s->begin(), s->end());
  return {};
}

}  // namespace wabot::store
