// SPDX-License-Identifier: GPL-3.0-or-later
// Strict base64 decoding of a media body, bounded by media.max_bytes before anything is allocated.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rest_api {

struct Base64Payload {
  enum class Outcome { unset, ok, invalid, too_large };
  Outcome outcome = Outcome::unset;
  std::string bytes;      // when ok
  std::string mime_type;  // from a "data:<mime>;base64," prefix, when there was one
  std::string error;      // when invalid / too_large

  // Standard or URL-safe alphabet, optional padding, whitespace ignored, optional data: URL prefix.
  static Base64Payload decode(std::string_view text, uint64_t max_bytes);
};

}  // namespace rest_api
