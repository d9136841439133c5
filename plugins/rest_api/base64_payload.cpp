// SPDX-License-Identifier: GPL-3.0-or-later
// Base64Payload: a hand-checked decoder because Poco's Base64Decoder skips unknown characters
// silently, and the API must answer 400 for bad base64 rather than send corrupted media.
#include "base64_payload.hpp"

namespace rest_api {

namespace {
int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}
bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
}  // namespace

Base64Payload Base64Payload::decode(std::string_view text, uint64_t max_bytes) {
  Base64Payload out;
  if (text.substr(0, 5) == "data:") {
    size_t marker = text.find(";base64,");
    if (marker == std::string_view::npos || marker > 255) {
      out.outcome = Outcome::invalid;
      out.error = "data URL without ;base64,";
      return out;
    }
    out.mime_type = std::string(text.substr(5, marker - 5));
    text.remove_prefix(marker + 8);
  }
  // Upper bound of the decoded size, checked before allocating: 3 bytes per 4 characters.
  if (text.size() / 4 * 3 > max_bytes + 3) {
    out.outcome = Outcome::too_large;
    out.error = "decoded media is larger than media.max_bytes (" + std::to_string(max_bytes) + ")";
    return out;
  }
  out.bytes.reserve(text.size() / 4 * 3 + 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t padding = 0, symbols = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (is_space(c)) continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int v = value_of(c);
    if (v < 0 || padding > 0) {  // a foreign character, or data after padding
      out.outcome = Outcome::invalid;
      out.error = "invalid base64 at offset " + std::to_string(i);
      out.bytes.clear();
      return out;
    }
    ++symbols;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.bytes.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (symbols % 4 == 1 || padding > 2 || (padding > 0 && (symbols + padding) % 4 != 0) || symbols == 0) {
    out.outcome = Outcome::invalid;
    out.error = symbols == 0 ? "empty base64 data" : "truncated base64";
    out.bytes.clear();
    return out;
  }
  if (out.bytes.size() > max_bytes) {
    out.outcome = Outcome::too_large;
    out.error = "decoded media is " + std::to_string(out.bytes.size()) + " bytes, over media.max_bytes (" +
                std::to_string(max_bytes) + ")";
    out.bytes.clear();
    return out;
  }
  out.outcome = Outcome::ok;
  return out;
}

}  // namespace rest_api
