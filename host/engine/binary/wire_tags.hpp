// SPDX-License-Identifier: GPL-3.0-or-later
// The tag bytes of WhatsApp's binary XML (identical in whatsmeow and Baileys).
#pragma once

#include <cstdint>

namespace wabot::engine::binary::tag {

inline constexpr std::uint8_t list_empty = 0;
inline constexpr std::uint8_t dictionary_0 = 236;
inline constexpr std::uint8_t dictionary_3 = 239;
inline constexpr std::uint8_t interop_jid = 245;
inline constexpr std::uint8_t fb_jid = 246;
inline constexpr std::uint8_t ad_jid = 247;
inline constexpr std::uint8_t list_8 = 248;
inline constexpr std::uint8_t list_16 = 249;
inline constexpr std::uint8_t jid_pair = 250;
inline constexpr std::uint8_t hex_8 = 251;
inline constexpr std::uint8_t binary_8 = 252;
inline constexpr std::uint8_t binary_20 = 253;
inline constexpr std::uint8_t binary_32 = 254;
inline constexpr std::uint8_t nibble_8 = 255;

inline constexpr std::uint8_t packed_max = 127;

// Frame plaintext flag: the rest of the frame is a zlib stream.
inline constexpr std::uint8_t flag_compressed = 0x02;

}  // namespace wabot::engine::binary::tag
