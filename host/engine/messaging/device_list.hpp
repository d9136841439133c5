// SPDX-License-Identifier: GPL-3.0-or-later
// Device lists: the usync device query (with <lid/>), its reply, and the in-memory cache with a TTL.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/engine/types/node.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::messaging {

struct UserDevices {
  Jid user;                            // the non-AD JID the reply names
  std::vector<std::uint16_t> devices;  // device numbers (0 = primary)
  std::optional<Jid> lid;              // the user's LID (non-AD) when the reply carried <lid val>
};

// <iq xmlns="usync" type="get" to="s.whatsapp.net"><usync sid mode="query" context="message" ...>
Node make_device_query(const std::vector<Jid>& users, const std::string& sid);
// Reads the <usync><list><user> entries. Devices other than 0 without a key-index are dropped (as
// Baileys does: they are not signed by the account). Errors for a reply of the wrong shape.
Result<std::vector<UserDevices>> parse_device_reply(const Node& reply);

// Cached device lists keyed by the non-AD user JID string. Not thread-safe (its owner locks).
class DeviceListCache {
 public:
  explicit DeviceListCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}
  std::optional<UserDevices> get(const Jid& user, std::chrono::steady_clock::time_point now) const;
  void put(const UserDevices& devices, std::chrono::steady_clock::time_point now);
  void invalidate(const Jid& user);
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    UserDevices devices;
    std::chrono::steady_clock::time_point fetched;
  };
  std::chrono::milliseconds ttl_;
  std::map<std::string, Entry> entries_;
};

}  // namespace wabot::engine::messaging
