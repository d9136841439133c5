// SPDX-License-Identifier: GPL-3.0-or-later
// sha256_hex(): the lowercase hex SHA-256 of a byte string (on OpenSSL), to compare media end to end.
#pragma once

#include <openssl/evp.h>

#include <string>

namespace wabot::test {

inline std::string sha256_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += digits[md[i] >> 4], out += digits[md[i] & 15];
  return out;
}

}  // namespace wabot::test
