// SPDX-License-Identifier: GPL-3.0-or-later
// Verification and decryption of a downloaded media body (ciphertext ‖ 10-byte MAC): streaming or
// whole-file, checking fileEncSha256, the MAC (constant time), the padding and fileSha256.
#pragma once

#include "host/engine/media/media_keys.hpp"

#include <memory>
#include <optional>

namespace wabot::engine::media {

// Feed the body in any chunking. The plaintext returned by update() is NOT authenticated until
// finish() succeeds: write it somewhere temporary and discard it when finish() fails.
class MediaDecryptor {
 public:
  static Result<std::unique_ptr<MediaDecryptor>, MediaError> create(crypto::ByteView media_key, MediaType type);
  ~MediaDecryptor();
  MediaDecryptor(const MediaDecryptor&) = delete;
  MediaDecryptor& operator=(const MediaDecryptor&) = delete;

  crypto::Bytes update(crypto::ByteView body_chunk);
  // Checks, in this order: SHA-256 of the body (when expected_file_enc_sha256 is given), the MAC,
  // the padding, SHA-256 of the plaintext (when expected_file_sha256 is given). Returns the last
  // plaintext bytes. Call once.
  Result<crypto::Bytes, MediaError> finish(const std::optional<crypto::Key32>& expected_file_enc_sha256,
                                    const std::optional<crypto::Key32>& expected_file_sha256);

 private:
  MediaDecryptor() = default;
  void absorb_ciphertext(crypto::ByteView ciphertext, crypto::Bytes& out);

  std::unique_ptr<crypto::Aes256CbcStream> cipher_;
  std::unique_ptr<crypto::HmacSha256Stream> mac_;
  crypto::Sha256Stream plain_sha_;
  crypto::Sha256Stream body_sha_;
  crypto::Bytes held_;  // the last (up to 10) bytes seen: the MAC once the body ends
  std::uint64_t ciphertext_length_ = 0;
};

// Checks fileEncSha256 (when given) and the MAC without decrypting.
Result<Ok, MediaError> verify_media(crypto::ByteView media_key, MediaType type, crypto::ByteView body,
                                    const std::optional<crypto::Key32>& expected_file_enc_sha256);

// Whole-file download check and decryption: verifies before decrypting, so no unauthenticated
// plaintext is ever returned.
Result<crypto::Bytes, MediaError> decrypt_media(crypto::ByteView media_key, MediaType type, crypto::ByteView body,
                                         const std::optional<crypto::Key32>& expected_file_enc_sha256,
                                         const std::optional<crypto::Key32>& expected_file_sha256);

}  // namespace wabot::engine::media
