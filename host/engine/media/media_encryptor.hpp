// SPDX-License-Identifier: GPL-3.0-or-later
// Encryption of a media file for upload: AES-256-CBC + 10-byte HMAC-SHA256, with the hashes the
// message needs (fileSha256, fileEncSha256, fileLength); streaming or whole-file.
#pragma once

#include "host/engine/media/media_keys.hpp"

#include <memory>

namespace wabot::engine::media {

// What the ImageMessage/DocumentMessage/... fields need after an upload body has been produced.
struct MediaDigests {
  crypto::Key32 file_sha256{};      // of the plaintext
  crypto::Key32 file_enc_sha256{};  // of the upload body (ciphertext ‖ mac10)
  std::uint64_t file_length = 0;    // plaintext bytes
  std::uint64_t body_length = 0;    // upload body bytes
};

// Feed plaintext in any chunking; write every returned piece to the upload body in order.
class MediaEncryptor {
 public:
  static Result<std::unique_ptr<MediaEncryptor>, MediaError> create(crypto::ByteView media_key, MediaType type);
  ~MediaEncryptor();
  MediaEncryptor(const MediaEncryptor&) = delete;
  MediaEncryptor& operator=(const MediaEncryptor&) = delete;

  // Ciphertext produced so far for this chunk (may be empty: CBC works in 16-byte blocks).
  crypto::Bytes update(crypto::ByteView plaintext);
  // The last ciphertext block(s) followed by the 10-byte MAC, and the digests. Call once.
  crypto::Bytes finish(MediaDigests& digests);

 private:
  MediaEncryptor() = default;
  void absorb_ciphertext(const crypto::Bytes& ciphertext);

  std::unique_ptr<crypto::Aes256CbcStream> cipher_;
  std::unique_ptr<crypto::HmacSha256Stream> mac_;
  crypto::Sha256Stream plain_sha_;
  crypto::Sha256Stream body_sha_;
  std::uint64_t file_length_ = 0;
  std::uint64_t body_length_ = 0;
};

struct EncryptedMedia {
  crypto::Bytes body;  // ciphertext ‖ mac10: what is uploaded
  MediaDigests digests;
};

// Whole-file form of MediaEncryptor.
Result<EncryptedMedia, MediaError> encrypt_media(crypto::ByteView media_key, MediaType type, crypto::ByteView plaintext);

}  // namespace wabot::engine::media
