// SPDX-License-Identifier: GPL-3.0-or-later
// Errors of the media layer as values: a code per failure kind plus a message with context.
#pragma once

#include <string>

#include "host/engine/types/result.hpp"

namespace wabot::engine::media {

// Results of this layer are engine::Result<T, MediaError> (Ok for void operations).

enum class MediaErrorCode {
  unset = 0,
  invalid_input,       // wrong key size, unset media type, truncated body, bad image dimensions
  enc_hash_mismatch,   // SHA-256 of the downloaded body differs from fileEncSha256
  mac_mismatch,        // the 10-byte HMAC does not match: tampered or wrong key
  bad_padding,         // CBC decryption produced invalid PKCS#7 padding
  file_hash_mismatch,  // SHA-256 of the plaintext differs from fileSha256
  image_failed,        // the image codec refused the input
  io,                  // the media host could not be reached or answered with an error
  too_large,           // a downloaded body over the caller's bound
};

const char* to_string(MediaErrorCode code);

struct MediaError {
  MediaErrorCode code = MediaErrorCode::unset;
  std::string message;
};

}  // namespace wabot::engine::media
