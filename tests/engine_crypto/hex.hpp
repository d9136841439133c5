// SPDX-License-Identifier: GPL-3.0-or-later
// Hex helpers for the engine crypto tests (vectors are written as hex strings).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wabot::test {

inline std::vector<std::uint8_t> unhex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::invalid_argument("bad hex digit");
  };
  if (hex.size() % 2) throw std::invalid_argument("odd hex length");
  std::vector<std::uint8_t> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return out;
}

template <typename Container>
std::string hex(const Container& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

template <typename Array>
Array unhex_array(std::string_view text) {
  auto bytes = unhex(text);
  Array out{};
  if (bytes.size() != out.size()) throw std::invalid_argument("wrong hex length for array");
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

}  // namespace wabot::test
