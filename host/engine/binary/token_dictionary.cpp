// SPDX-License-Identifier: GPL-3.0-or-later
// Reverse lookups (string -> token) over the generated v3 dictionary, built once.
#include "host/engine/binary/token_dictionary.hpp"

#include <string>
#include <unordered_map>

namespace wabot::engine::binary {

namespace {

struct ReverseIndex {
  std::unordered_map<std::string_view, std::uint8_t> single;
  std::unordered_map<std::string_view, DoubleByteToken> double_byte;

  ReverseIndex() {
    for (std::size_t i = 1; i < kSingleByteTokens.size(); ++i) single.emplace(kSingleByteTokens[i], static_cast<std::uint8_t>(i));
    for (std::size_t d = 0; d < kDoubleByteTokens.size(); ++d)
      for (std::size_t i = 0; i < kDoubleByteTokens[d].size(); ++i)
        double_byte.emplace(kDoubleByteTokens[d][i], DoubleByteToken{static_cast<std::uint8_t>(d), static_cast<std::uint8_t>(i)});
  }
};

const ReverseIndex& index() {
  static const ReverseIndex idx;  // thread-safe static init
  return idx;
}

}  // namespace

std::optional<std::uint8_t> find_single_byte_token(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const auto& m = index().single;
  auto it = m.find(s);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

std::optional<DoubleByteToken> find_double_byte_token(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const auto& m = index().double_byte;
  auto it = m.find(s);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

}  // namespace wabot::engine::binary
