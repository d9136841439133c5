// SPDX-License-Identifier: GPL-3.0-or-later
// MediaHttpClient: HTTPS upload of encrypted media bodies to a media host (POST /mms/<type>/<token>
// with the media_conn auth) and download of bodies by URL, with a bounded response size.
// Blocking: call from an application thread, never from the engine's event loop.
#pragma once

#include <cstdint>
#include <string>

#include "host/engine/crypto/crypto.hpp"
#include "host/engine/media/media_keys.hpp"
#include "host/engine/media/media_error.hpp"

namespace wabot::engine::media {

struct UploadedMedia {
  std::string url;
  std::string direct_path;  // starts with '/', includes its query
};

class MediaHttpClient {
 public:
  // ca_file: a PEM file of extra trusted CAs (e.g. a test media host's self-signed certificate);
  // empty = the system CA store. Host names are verified either way.
  explicit MediaHttpClient(std::string ca_file = {}, std::int64_t timeout_ms = 60'000)
      : ca_file_(std::move(ca_file)), timeout_ms_(timeout_ms) {}

  // host: "name[:port]" from media_conn. The auth token is secret: it never appears in errors.
  Result<UploadedMedia, MediaError> upload(const std::string& host, MediaType type, const std::string& auth, crypto::ByteView body,
                                    const crypto::Key32& file_enc_sha256) const;
  // GET an https URL; refuses bodies over max_bytes.
  Result<crypto::Bytes, MediaError> download(const std::string& url, std::uint64_t max_bytes) const;

 private:
  std::string ca_file_;
  std::int64_t timeout_ms_;
};

}  // namespace wabot::engine::media
