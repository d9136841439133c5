// SPDX-License-Identifier: GPL-3.0-or-later
// Frame encoding and stream reassembly.
#include "host/engine/transport/frame_codec.hpp"

namespace wabot::engine::transport {

Result<Bytes> FrameCodec::encode(std::span<const std::uint8_t> payload) {
  if (payload.size() > kMaxFrameBytes)
    return Error(ErrorCode::too_large, "frame of " + std::to_string(payload.size()) + " bytes exceeds the 2^24 limit");
  Bytes out;
  out.reserve(payload.size() + kFrameLengthBytes + (intro_sent_ ? 0 : intro_.size()));
  if (!intro_sent_) {
    out.insert(out.end(), intro_.begin(), intro_.end());
    intro_sent_ = true;
  }
  auto n = payload.size();
  out.push_back(static_cast<std::uint8_t>(n >> 16));
  out.push_back(static_cast<std::uint8_t>(n >> 8));
  out.push_back(static_cast<std::uint8_t>(n));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Status FrameCodec::feed(std::span<const std::uint8_t> data) {
  buffer_.insert(buffer_.end(), data.begin(), data.end());
  std::size_t pos = 0;
  while (buffer_.size() - pos >= kFrameLengthBytes) {
    std::size_t n = (std::size_t(buffer_[pos]) << 16) | (std::size_t(buffer_[pos + 1]) << 8) | buffer_[pos + 2];
    if (n > max_frame_bytes_) {
      buffer_.clear();
      return Error(ErrorCode::too_large, "incoming frame of " + std::to_string(n) + " bytes exceeds the limit of " +
                                             std::to_string(max_frame_bytes_));
    }
    if (buffer_.size() - pos - kFrameLengthBytes < n) break;
    auto begin = buffer_.begin() + static_cast<std::ptrdiff_t>(pos + kFrameLengthBytes);
    frames_.emplace_back(begin, begin + static_cast<std::ptrdiff_t>(n));
    pos += kFrameLengthBytes + n;
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(pos));
  if (buffer_.empty()) Bytes().swap(buffer_);  // idle connections keep no buffer capacity
  return Ok{};
}

Bytes FrameCodec::next_frame() {
  Bytes f = std::move(frames_.front());
  frames_.pop_front();
  return f;
}

void FrameCodec::reset() {
  intro_sent_ = false;
  Bytes().swap(buffer_);
  frames_.clear();
}

}  // namespace wabot::engine::transport
