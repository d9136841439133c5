// SPDX-License-Identifier: GPL-3.0-or-later
// Random padding (wm:message.go padMessage/unpadMessage; bl:writeRandomPadMax16).
#include "host/engine/signal/message_padding.hpp"

namespace wabot::engine::signal {

crypto::Bytes pad_message(crypto::ByteView plaintext) {
  std::uint8_t r = 0;
  crypto::random_bytes(std::span<std::uint8_t>(&r, 1));
  std::uint8_t n = r & 0x0F;
  if (n == 0) n = 15;
  crypto::Bytes out(plaintext.begin(), plaintext.end());
  out.insert(out.end(), n, n);
  return out;
}

Result<crypto::Bytes, SignalError> pad_message_with(crypto::ByteView plaintext, std::uint8_t n) {
  if (n == 0 || n > kMaxPaddingBytes) return SignalError{SignalErrorCode::invalid_input, "padding length must be 1..16"};
  crypto::Bytes out(plaintext.begin(), plaintext.end());
  out.insert(out.end(), n, n);
  return out;
}

Result<crypto::Bytes, SignalError> unpad_message(crypto::ByteView padded) {
  auto bad = [](const char* why) { return SignalError{SignalErrorCode::invalid_message, std::string("bad message padding: ") + why}; };
  if (padded.empty()) return bad("empty plaintext");
  const std::uint8_t n = padded.back();
  if (n == 0) return bad("padding length is zero");
  if (n > kMaxPaddingBytes) return bad("padding longer than 16 bytes");
  if (n > padded.size()) return bad("padding longer than the plaintext");
  for (std::size_t i = padded.size() - n; i < padded.size(); ++i) {
    if (padded[i] != n) return bad("padding bytes differ");
  }
  return crypto::Bytes(padded.begin(), padded.end() - n);
}

}  // namespace wabot::engine::signal
