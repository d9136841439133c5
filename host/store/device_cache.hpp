// SPDX-License-Identifier: GPL-3.0-or-later
// The device-list cache: which device ids a WhatsApp user has, as last fetched from the server (usync),
// so sends do not ask again every time. Freshness (TTL) is the caller's decision from updated_at_ms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/store/clock.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

struct DeviceList {
  std::vector<std::uint32_t> device_ids;  // ascending, without duplicates
  std::int64_t updated_at_ms = 0;         // set by put()
};

class DeviceCache {
 public:
  // A list longer than this is refused: WhatsApp allows a handful of companions per account.
  static constexpr std::size_t kMaxDevices = 1024;

  explicit DeviceCache(Database& db, Clock clock = system_clock()) : db_(db), clock_(std::move(clock)) {}

  Status put(std::string_view agent_id, std::string_view user_jid, std::vector<std::uint32_t> device_ids);
  Result<std::optional<DeviceList>> get(std::string_view agent_id, std::string_view user_jid);
  Result<bool> remove(std::string_view agent_id, std::string_view user_jid);

 private:
  Database& db_;
  Clock clock_;
};

}  // namespace wabot::store
