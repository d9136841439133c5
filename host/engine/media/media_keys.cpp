// SPDX-License-Identifier: GPL-3.0-or-later
// Media key expansion (wm:download.go getMediaKeys; bl:MEDIA_HKDF_KEY_MAPPING facts).
#include "host/engine/media/media_keys.hpp"

#include <algorithm>
#include <string>

namespace wabot::engine::media {

const char* to_string(MediaErrorCode code) {
  switch (code) {
    case MediaErrorCode::unset: return "unset";
    case MediaErrorCode::invalid_input: return "invalid_input";
    case MediaErrorCode::enc_hash_mismatch: return "enc_hash_mismatch";
    case MediaErrorCode::mac_mismatch: return "mac_mismatch";
    case MediaErrorCode::bad_padding: return "bad_padding";
    case MediaErrorCode::file_hash_mismatch: return "file_hash_mismatch";
    case MediaErrorCode::image_failed: return "image_failed";
    case MediaErrorCode::io: return "io";
    case MediaErrorCode::too_large: return "too_large";
  }
  return "unknown";
}

std::string_view hkdf_info(MediaType type) {
  switch (type) {
    case MediaType::image:
    case MediaType::sticker: return "WhatsApp Image Keys";
    case MediaType::video:
    case MediaType::gif: return "WhatsApp Video Keys";
    case MediaType::audio:
    case MediaType::ptt: return "WhatsApp Audio Keys";
    case MediaType::document: return "WhatsApp Document Keys";
    case MediaType::history: return "WhatsApp History Keys";
    case MediaType::app_state: return "WhatsApp App State Keys";
    case MediaType::link_thumbnail: return "WhatsApp Link Thumbnail Keys";
    case MediaType::unset: break;
  }
  return {};
}

std::string_view mms_type(MediaType type) {
  switch (type) {
    case MediaType::image:
    case MediaType::sticker: return "image";
    case MediaType::video:
    case MediaType::gif: return "video";
    case MediaType::audio:
    case MediaType::ptt: return "audio";
    case MediaType::document: return "document";
    case MediaType::history: return "md-msg-hist";
    case MediaType::app_state: return "md-app-state";
    case MediaType::link_thumbnail: return "thumbnail-link";
    case MediaType::unset: break;
  }
  return {};
}

Result<MediaKeys, MediaError> expand_media_key(crypto::ByteView media_key, MediaType type) {
  if (media_key.size() != 32) return MediaError{MediaErrorCode::invalid_input, "media key must be 32 bytes"};
  auto info = hkdf_info(type);
  if (info.empty()) return MediaError{MediaErrorCode::invalid_input, "media type is unset"};
  crypto::Bytes expanded = crypto::hkdf_sha256(media_key, {}, crypto::view(info), 112);
  MediaKeys keys;
  std::copy_n(expanded.begin(), 16, keys.iv.begin());
  std::copy_n(expanded.begin() + 16, 32, keys.cipher_key.begin());
  std::copy_n(expanded.begin() + 48, 32, keys.mac_key.begin());
  std::copy_n(expanded.begin() + 80, 32, keys.ref_key.begin());
  std::fill(expanded.begin(), expanded.end(), 0);
  return keys;
}

crypto::Key32 generate_media_key() {
  crypto::Key32 key;
  crypto::random_bytes(std::span<std::uint8_t>(key));
  return key;
}

std::string upload_token(const crypto::Key32& file_enc_sha256) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  const auto& d = file_enc_sha256;
  for (; i + 3 <= d.size(); i += 3) {
    std::uint32_t v = std::uint32_t(d[i]) << 16 | std::uint32_t(d[i + 1]) << 8 | d[i + 2];
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (d.size() - i == 1) {
    std::uint32_t v = std::uint32_t(d[i]) << 16;
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
  } else if (d.size() - i == 2) {
    std::uint32_t v = std::uint32_t(d[i]) << 16 | std::uint32_t(d[i + 1]) << 8;
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
  }
  return out;
}

}  // namespace wabot::engine::media
