// SPDX-License-Identifier: GPL-3.0-or-later
// Media types and the expansion of a message's 32-byte mediaKey into IV, cipher, MAC and ref keys.
#pragma once

#include "host/engine/crypto/crypto.hpp"
#include "host/engine/media/media_error.hpp"

#include <array>
#include <string>
#include <string_view>

namespace wabot::engine::media {

enum class MediaType {
  unset = 0,
  image,
  sticker,
  video,
  gif,
  audio,
  ptt,
  document,
  history,         // history-sync blobs (md-msg-hist)
  app_state,       // app-state sync patches
  link_thumbnail,  // link-preview thumbnails
};

// The HKDF info string of a type ("WhatsApp Image Keys", ...); empty for unset.
std::string_view hkdf_info(MediaType type);
// The MMS type used in upload paths (/mms/<type>) and download URLs ("image", "md-msg-hist", ...).
std::string_view mms_type(MediaType type);

struct MediaKeys {
  std::array<std::uint8_t, 16> iv{};
  crypto::Key32 cipher_key{};
  crypto::Key32 mac_key{};
  crypto::Key32 ref_key{};  // unused by the protocol today, kept for completeness
};

// HKDF-SHA256(mediaKey, salt = none, info, 112) split as iv[0:16] cipher[16:48] mac[48:80] ref[80:112].
Result<MediaKeys, MediaError> expand_media_key(crypto::ByteView media_key, MediaType type);

// A fresh random 32-byte mediaKey.
crypto::Key32 generate_media_key();

// The upload token: URL-safe base64 of fileEncSha256 without '=' padding.
std::string upload_token(const crypto::Key32& file_enc_sha256);

}  // namespace wabot::engine::media
