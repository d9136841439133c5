// SPDX-License-Identifier: GPL-3.0-or-later
// MediaEncryptor (wm:upload.go Upload facts): enc = AES-CBC(pt), mac = HMAC(macKey, iv ‖ enc)[0:10].
#include "host/engine/media/media_encryptor.hpp"

namespace wabot::engine::media {

namespace {
constexpr std::size_t kMacBytes = 10;
}

Result<std::unique_ptr<MediaEncryptor>, MediaError> MediaEncryptor::create(crypto::ByteView media_key, MediaType type) {
  auto keys = expand_media_key(media_key, type);
  if (!keys) return keys.error();
  std::unique_ptr<MediaEncryptor> self(new MediaEncryptor());
  self->cipher_ = crypto::Aes256CbcStream::create(crypto::Aes256CbcStream::Direction::encrypt, keys->cipher_key, keys->iv);
  self->mac_ = std::make_unique<crypto::HmacSha256Stream>(keys->mac_key);
  self->mac_->update(keys->iv);  // the MAC covers iv ‖ ciphertext
  return self;
}

MediaEncryptor::~MediaEncryptor() = default;

void MediaEncryptor::absorb_ciphertext(const crypto::Bytes& ciphertext) {
  mac_->update(ciphertext);
  body_sha_.update(ciphertext);
  body_length_ += ciphertext.size();
}

crypto::Bytes MediaEncryptor::update(crypto::ByteView plaintext) {
  plain_sha_.update(plaintext);
  file_length_ += plaintext.size();
  crypto::Bytes out = cipher_->update(plaintext);
  absorb_ciphertext(out);
  return out;
}

crypto::Bytes MediaEncryptor::finish(MediaDigests& digests) {
  // Encryption with valid sizes cannot fail to finish; padding is always added.
  crypto::Bytes out = cipher_->finish().value_or(crypto::Bytes{});
  absorb_ciphertext(out);
  crypto::Key32 mac = mac_->finish();
  out.insert(out.end(), mac.begin(), mac.begin() + kMacBytes);
  body_sha_.update(crypto::ByteView(mac.data(), kMacBytes));
  body_length_ += kMacBytes;
  digests.file_sha256 = plain_sha_.finish();
  digests.file_enc_sha256 = body_sha_.finish();
  digests.file_length = file_length_;
  digests.body_length = body_length_;
  return out;
}

Result<EncryptedMedia, MediaError> encrypt_media(crypto::ByteView media_key, MediaType type, crypto::ByteView plaintext) {
  auto encryptor = MediaEncryptor::create(media_key, type);
  if (!encryptor) return encryptor.error();
  EncryptedMedia result;
  result.body = encryptor.value()->update(plaintext);
  auto tail = encryptor.value()->finish(result.digests);
  result.body.insert(result.body.end(), tail.begin(), tail.end());
  return result;
}

}  // namespace wabot::engine::media
