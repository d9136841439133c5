// SPDX-License-Identifier: GPL-3.0-or-later
// Plain value types of the engine's Signal state as the store keeps them (keys as raw bytes).
#pragma once

#include <cstdint>
#include <string>

#include "host/store/sql_value.hpp"

namespace wabot::store {

// A Signal protocol address: the user part of a JID and a device id (0 = the primary phone).
struct SignalAddress {
  std::string name;
  std::int32_t device_id = 0;

  std::string to_string() const { return name + "." + std::to_string(device_id); }
};

// A one-time prekey. Key ids are 24-bit on the wire; `uploaded` is set once the server has it.
struct PreKey {
  std::uint32_t key_id = 0;
  Bytes private_key;  // 32 bytes
  Bytes public_key;   // 32 bytes
  bool uploaded = false;
};

struct SignedPreKey {
  std::uint32_t key_id = 0;
  Bytes private_key;
  Bytes public_key;
  Bytes signature;  // 64 bytes
  std::int64_t created_at_ms = 0;
};

// Who a group sender key belongs to: the group and the sending device.
struct SenderKeyName {
  std::string group_id;
  SignalAddress sender;
};

}  // namespace wabot::store
