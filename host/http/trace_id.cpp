// SPDX-License-Identifier: GPL-3.0-or-later
// Trace id validation and generation.
#include "host/http/trace_id.hpp"

#include <Poco/RandomStream.h>

#include <algorithm>
#include <cctype>

namespace wabot::http {

bool is_valid_trace_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

std::string generate_trace_id() {
  // Poco's RandomInputStream reads the OS CSPRNG; ids need not be secret, but must not collide.
  unsigned char bytes[16];
  Poco::RandomInputStream random;
  random.read(reinterpret_cast<char*>(bytes), sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(32, '0');
  for (std::size_t i = 0; i < sizeof bytes; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0xF];
  }
  return out;
}

}  // namespace wabot::http
