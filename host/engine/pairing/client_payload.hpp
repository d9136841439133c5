// SPDX-License-Identifier: GPL-3.0-or-later
// ClientPayload builders: the registration payload (new device) and the login payload (linked device).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "host/engine/store/credentials_store.hpp"

namespace wabot::engine::pairing {

// The WhatsApp Web version we claim, e.g. 2.3000.1043857760. A <failure reason="405"> means it is stale.
struct WaVersion {
  std::uint32_t primary = 2;
  std::uint32_t secondary = 3000;
  std::uint32_t tertiary = 1043857760;

  static Result<WaVersion> parse(std::string_view text);
  std::string to_string() const;
};

// DeviceProps.PlatformType values we offer (what the phone's Linked Devices list shows).
enum class DevicePlatform : int {
  unknown = 0,
  chrome = 1,
  firefox = 2,
  safari = 5,
  edge = 6,
  desktop = 7,
};

struct ClientIdentity {
  WaVersion version;
  std::string os_name = "Wabot";                  // DeviceProps.os: "Chrome (Wabot)" on the phone
  DevicePlatform platform = DevicePlatform::chrome;
  std::string push_name;                          // sent only when set
};

// The companion client type character of the QR text, derived from the platform (transport.md §5).
char qr_client_type(DevicePlatform platform);

// Serialized ClientPayload for a device that has no JID yet (carries DevicePairingRegistrationData).
crypto::Bytes registration_payload(const store::Credentials& creds, const ClientIdentity& identity);

// Serialized ClientPayload for a linked device (username + device from the stored JID, passive, pull).
Result<crypto::Bytes> login_payload(const store::Credentials& creds, const ClientIdentity& identity);

}  // namespace wabot::engine::pairing
