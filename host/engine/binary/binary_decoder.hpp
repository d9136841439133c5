// SPDX-License-Identifier: GPL-3.0-or-later
// BinaryDecoder: WhatsApp binary XML -> Node, bounded against hostile input (depth, sizes, inflation).
#pragma once

#include <cstddef>
#include <span>

#include "host/engine/types/node.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::binary {

struct DecodeLimits {
  std::size_t max_depth = 64;                        // nesting of child lists
  std::size_t max_inflated_bytes = 16 * 1024 * 1024;  // output bound for compressed frames (frame max)
};

// Decodes a frame plaintext: the flag byte, then the node (zlib-inflated when flag & 0x02).
// Trailing bytes after the node are an error, as in whatsmeow.
Result<Node> decode_frame_plaintext(std::span<const std::uint8_t> data, const DecodeLimits& limits = {});

// Decodes one node with no flag byte.
Result<Node> decode_node(std::span<const std::uint8_t> data, const DecodeLimits& limits = {});

// zlib (RFC 1950) inflate refusing outputs over max_bytes.
Result<Bytes> inflate_bounded(std::span<const std::uint8_t> data, std::size_t max_bytes);

}  // namespace wabot::engine::binary
