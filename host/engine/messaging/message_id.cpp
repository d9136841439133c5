// SPDX-License-Identifier: GPL-3.0-or-later
// Message id generation (whatsmeow's GenerateMessageID layout).
#include "host/engine/messaging/message_id.hpp"

#include <chrono>

#include "host/engine/crypto/crypto.hpp"

namespace wabot::engine::messaging {

std::string make_message_id(std::int64_t unix_s, std::string_view own_user, const std::array<std::uint8_t, 16>& random16) {
  crypto::Bytes input;
  auto t = static_cast<std::uint64_t>(unix_s);
  for (int shift = 56; shift >= 0; shift -= 8) input.push_back(static_cast<std::uint8_t>(t >> shift));
  input.insert(input.end(), own_user.begin(), own_user.end());
  const std::string_view suffix = "@c.us";
  input.insert(input.end(), suffix.begin(), suffix.end());
  input.insert(input.end(), random16.begin(), random16.end());
  auto digest = crypto::sha256(input);
  static const char* hex = "0123456789ABCDEF";
  std::string id = "3EB0";
  for (std::size_t i = 0; i < 9; ++i) {
    id += hex[digest[i] >> 4];
    id += hex[digest[i] & 0xF];
  }
  return id;
}

std::string generate_message_id(std::string_view own_user) {
  std::array<std::uint8_t, 16> random16{};
  crypto::random_bytes(random16);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return make_message_id(now, own_user, random16);
}

}  // namespace wabot::engine::messaging
