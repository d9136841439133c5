// SPDX-License-Identifier: GPL-3.0-or-later
// Conversions between the engine's fixed-size keys and the store's byte blobs (sizes checked on read).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "host/store/sql_value.hpp"

namespace wabot::store::adapters {

template <std::size_t N>
Bytes to_bytes(const std::array<std::uint8_t, N>& key) {
  return Bytes(key.begin(), key.end());
}

// nullopt when the stored blob has the wrong size (a corrupt row must not become a wrong key).
template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> to_array(const Bytes& bytes) {
  if (bytes.size() != N) return std::nullopt;
  std::array<std::uint8_t, N> out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

}  // namespace wabot::store::adapters
