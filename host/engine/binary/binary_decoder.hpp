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

// What wraps the deflate stream: zlib (RFC 1950, frames), or either zlib or gzip detected from the
// header (history-sync blobs, LID migration payloads).
enum class CompressionWrapper { unset, zlib, zlib_or_gzip };

// Inflate refusing outputs over max_bytes (`too_large`, checked chunk by chunk before the output grows);
// `malformed` for a bad or truncated stream.
Result<Bytes> inflate_bounded(std::span<const std::uint8_t> data, std::size_t max_bytes,
                              CompressionWrapper wrapper = CompressionWrapper::zlib);

}  // namespace wabot::engine::binary
