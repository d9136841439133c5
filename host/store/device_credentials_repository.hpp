// SPDX-License-Identifier: GPL-3.0-or-later
// The linked device's credentials (one row per agent): keys, registration id, ADV secret, and once
// paired the JID/LID and the signed device identity. Saved in one transaction, so a host killed at any
// moment has a complete linked device or none.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/store/clock.hpp"
#include "host/store/database.hpp"
#include "host/store/signal_records.hpp"

namespace wabot::store {

struct DeviceCredentials {
  std::string agent_id;
  std::uint32_t registration_id = 0;
  Bytes noise_private_key;
  Bytes noise_public_key;
  Bytes identity_private_key;
  Bytes identity_public_key;
  std::uint32_t signed_prekey_id = 0;
  Bytes signed_prekey_private_key;
  Bytes signed_prekey_public_key;
  Bytes signed_prekey_signature;
  Bytes adv_secret_key;
  // Empty until paired.
  std::string jid;
  std::string lid;
  std::string push_name;
  std::string platform;
  std::string business_name;
  // The serialized ADVSignedDeviceIdentity from pair-success (empty until paired).
  Bytes account;
  // The next one-time prekey id to generate. Only ever moves forward: save() keeps the stored value
  // when it is higher (SignalRepository::reserve_prekey_ids advances it independently).
  std::uint32_t next_prekey_id = 1;
  std::int64_t created_at_ms = 0;  // set by the store
  std::int64_t updated_at_ms = 0;  // set by the store

  bool paired() const { return !jid.empty(); }
};

class DeviceCredentialsRepository {
 public:
  explicit DeviceCredentialsRepository(Database& db, Clock clock = system_clock()) : db_(db), clock_(std::move(clock)) {}

  Result<std::optional<DeviceCredentials>> load(std::string_view agent_id);

  // Inserts or replaces the agent's credentials and stores `prekeys` (e.g. the first batch generated
  // at registration) in the same transaction: all of it is saved, or none of it. The signed prekey is
  // also written to the signed prekey table (SignalRepository), so both views always agree.
  Status save(const DeviceCredentials& credentials, std::span<const PreKey> prekeys = {});

  // Replaces the identity key pair and registration id of existing credentials (the Signal layer's
  // "local identity" is the device's identity). False when the agent has no credentials.
  Result<bool> update_local_identity(std::string_view agent_id, std::uint32_t registration_id,
                                     const Bytes& identity_private_key, const Bytes& identity_public_key);

  // Deletes the credentials and every other engine row of the agent (see clear_agent).
  Result<std::uint64_t> clear(std::string_view agent_id);

  // Agents with stored credentials, ascending: the ones a restarted host resumes without a QR.
  Result<std::vector<std::string>> agents();

 private:
  Database& db_;
  Clock clock_;
};

}  // namespace wabot::store
