// SPDX-License-Identifier: GPL-3.0-or-later
// Message ids in the form the references make them: "3EB0" + 18 upper-case hex digits.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace wabot::engine::messaging {

// "3EB0" + HEX(SHA256(u64be(unix_s) || own_user || "@c.us" || random16)[0:9]) (22 characters).
std::string make_message_id(std::int64_t unix_s, std::string_view own_user, const std::array<std::uint8_t, 16>& random16);
// The same with the current time and fresh random bytes.
std::string generate_message_id(std::string_view own_user);

}  // namespace wabot::engine::messaging
