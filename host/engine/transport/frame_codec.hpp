// SPDX-License-Identifier: GPL-3.0-or-later
// FrameCodec: WhatsApp's 3-byte length framing, the one-time intro header, and reassembly of frames that
// arrive several per WebSocket message or split across messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "host/engine/types/result.hpp"

namespace wabot::engine::transport {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::size_t kFrameLengthBytes = 3;
inline constexpr std::size_t kMaxFrameBytes = (1u << 24) - 1;  // the length must be < 2^24

class FrameCodec {
 public:
  // intro: bytes sent once before the first frame (WA 06 03; empty for a server-side codec in tests).
  explicit FrameCodec(std::vector<std::uint8_t> intro) : intro_(std::move(intro)) {}

  // One WebSocket message: [intro, first time only] + length(3, big-endian) + payload.
  Result<Bytes> encode(std::span<const std::uint8_t> payload);

  // Appends received bytes; complete frames become available through next_frame().
  // A length over max_frame_bytes is an error (the connection must be dropped).
  Status feed(std::span<const std::uint8_t> data);
  bool has_frame() const { return !frames_.empty(); }
  Bytes next_frame();
  std::size_t buffered_bytes() const { return buffer_.size(); }

  void set_max_frame_bytes(std::size_t n) { max_frame_bytes_ = n; }
  // A new connection starts again with the intro.
  void reset();

 private:
  std::vector<std::uint8_t> intro_;
  bool intro_sent_ = false;
  std::size_t max_frame_bytes_ = kMaxFrameBytes;
  Bytes buffer_;
  std::deque<Bytes> frames_;
};

}  // namespace wabot::engine::transport
