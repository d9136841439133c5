// SPDX-License-Identifier: GPL-3.0-or-later
// The WhatsApp binary-XML token dictionary, version 3 (tables generated from the JSON by tools/).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wabot::engine::binary {

inline constexpr std::uint8_t kDictionaryVersion = 3;
inline constexpr std::size_t kSingleByteTokenCount = 236;
inline constexpr std::size_t kDoubleByteDictionaryCount = 4;
inline constexpr std::size_t kDoubleByteDictionarySize = 256;

// Generated in token_dictionary_data.cpp.
extern const char* const kTokenDictionarySha256;  // sha256 of the JSON the tables came from
extern const std::array<std::string_view, kSingleByteTokenCount> kSingleByteTokens;
extern const std::array<std::array<std::string_view, kDoubleByteDictionarySize>, kDoubleByteDictionaryCount>
    kDoubleByteTokens;

struct DoubleByteToken {
  std::uint8_t dictionary = 0;
  std::uint8_t index = 0;
};

// Index 1..235 of a single-byte token; nullopt for "" and unknown strings.
std::optional<std::uint8_t> find_single_byte_token(std::string_view s);
std::optional<DoubleByteToken> find_double_byte_token(std::string_view s);

}  // namespace wabot::engine::binary
