// SPDX-License-Identifier: GPL-3.0-or-later
// MediaDecryptor (wm:download.go DownloadMediaWithPath checks, in the same order).
#include "host/engine/media/media_decryptor.hpp"

#include <algorithm>

namespace wabot::engine::media {

namespace {
constexpr std::size_t kMacBytes = 10;
MediaError error(MediaErrorCode code, const char* message) { return MediaError{code, message}; }
}  // namespace

Result<std::unique_ptr<MediaDecryptor>, MediaError> MediaDecryptor::create(crypto::ByteView media_key, MediaType type) {
  auto keys = expand_media_key(media_key, type);
  if (!keys) return keys.error();
  std::unique_ptr<MediaDecryptor> self(new MediaDecryptor());
  self->cipher_ = crypto::Aes256CbcStream::create(crypto::Aes256CbcStream::Direction::decrypt, keys->cipher_key, keys->iv);
  self->mac_ = std::make_unique<crypto::HmacSha256Stream>(keys->mac_key);
  self->mac_->update(keys->iv);
  return self;
}

MediaDecryptor::~MediaDecryptor() = default;

void MediaDecryptor::absorb_ciphertext(crypto::ByteView ciphertext, crypto::Bytes& out) {
  if (ciphertext.empty()) return;
  mac_->update(ciphertext);
  ciphertext_length_ += ciphertext.size();
  crypto::Bytes plain = cipher_->update(ciphertext);
  plain_sha_.update(plain);
  out.insert(out.end(), plain.begin(), plain.end());
}

crypto::Bytes MediaDecryptor::update(crypto::ByteView chunk) {
  body_sha_.update(chunk);
  crypto::Bytes out;
  // Everything but the last 10 bytes seen so far is ciphertext; those 10 may be the MAC.
  if (chunk.size() >= kMacBytes) {
    absorb_ciphertext(held_, out);
    absorb_ciphertext(chunk.first(chunk.size() - kMacBytes), out);
    held_.assign(chunk.end() - kMacBytes, chunk.end());
  } else {
    held_.insert(held_.end(), chunk.begin(), chunk.end());
    if (held_.size() > kMacBytes) {
      const std::size_t excess = held_.size() - kMacBytes;
      absorb_ciphertext(crypto::ByteView(held_.data(), excess), out);
      held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(excess));
    }
  }
  return out;
}

Result<crypto::Bytes, MediaError> MediaDecryptor::finish(const std::optional<crypto::Key32>& expected_file_enc_sha256,
                                                  const std::optional<crypto::Key32>& expected_file_sha256) {
  if (held_.size() < kMacBytes || ciphertext_length_ < 16 || ciphertext_length_ % 16 != 0)
    return error(MediaErrorCode::invalid_input, "media body is truncated or not a whole number of AES blocks");
  const crypto::Key32 body_sha = body_sha_.finish();
  if (expected_file_enc_sha256 && !crypto::equal_constant_time(body_sha, *expected_file_enc_sha256))
    return error(MediaErrorCode::enc_hash_mismatch, "media body does not match fileEncSha256");
  const crypto::Key32 mac = mac_->finish();
  if (!crypto::equal_constant_time(crypto::ByteView(mac.data(), kMacBytes), held_))
    return error(MediaErrorCode::mac_mismatch, "media MAC does not match (tampered body or wrong media key)");
  auto last = cipher_->finish();
  if (!last) return error(MediaErrorCode::bad_padding, "media plaintext has invalid padding");
  plain_sha_.update(*last);
  if (expected_file_sha256 && !crypto::equal_constant_time(plain_sha_.finish(), *expected_file_sha256))
    return error(MediaErrorCode::file_hash_mismatch, "media plaintext does not match fileSha256");
  return std::move(*last);
}

Result<Ok, MediaError> verify_media(crypto::ByteView media_key, MediaType type, crypto::ByteView body,
                                    const std::optional<crypto::Key32>& expected_file_enc_sha256) {
  auto keys = expand_media_key(media_key, type);
  if (!keys) return keys.error();
  if (body.size() < 16 + kMacBytes || (body.size() - kMacBytes) % 16 != 0)
    return error(MediaErrorCode::invalid_input, "media body is truncated or not a whole number of AES blocks");
  if (expected_file_enc_sha256 && !crypto::equal_constant_time(crypto::sha256(body), *expected_file_enc_sha256))
    return error(MediaErrorCode::enc_hash_mismatch, "media body does not match fileEncSha256");
  crypto::HmacSha256Stream mac(keys->mac_key);
  mac.update(keys->iv);
  mac.update(body.first(body.size() - kMacBytes));
  const crypto::Key32 expected = mac.finish();
  if (!crypto::equal_constant_time(crypto::ByteView(expected.data(), kMacBytes), body.last(kMacBytes)))
    return error(MediaErrorCode::mac_mismatch, "media MAC does not match (tampered body or wrong media key)");
  return Ok{};
}

Result<crypto::Bytes, MediaError> decrypt_media(crypto::ByteView media_key, MediaType type, crypto::ByteView body,
                                         const std::optional<crypto::Key32>& expected_file_enc_sha256,
                                         const std::optional<crypto::Key32>& expected_file_sha256) {
  auto verified = verify_media(media_key, type, body, expected_file_enc_sha256);
  if (!verified) return verified.error();
  auto keys = expand_media_key(media_key, type);
  auto plain = crypto::aes256_cbc_decrypt(keys->cipher_key, keys->iv, body.first(body.size() - kMacBytes));
  if (!plain) return error(MediaErrorCode::bad_padding, "media plaintext has invalid padding");
  if (expected_file_sha256 && !crypto::equal_constant_time(crypto::sha256(*plain), *expected_file_sha256))
    return error(MediaErrorCode::file_hash_mismatch, "media plaintext does not match fileSha256");
  return std::move(*plain);
}

}  // namespace wabot::engine::media
