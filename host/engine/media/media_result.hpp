// SPDX-License-Identifier: GPL-3.0-or-later
// Errors of the media layer as values: a code per failure kind plus a message with context.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace wabot::engine::media {

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

struct MediaDone {};

template <typename T>
class MediaResult {
 public:
  MediaResult(T value) : value_(std::move(value)) {}
  MediaResult(MediaError error) : error_(std::move(error)) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  const MediaError& error() const { return error_; }

 private:
  std::optional<T> value_;
  MediaError error_;
};

}  // namespace wabot::engine::media
