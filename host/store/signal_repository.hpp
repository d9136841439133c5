// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's Signal protocol state per agent: remote identities, one-time prekeys, signed prekeys,
// sessions and group sender keys. Every call is keyed by agent_id, then by address or key id.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "host/store/clock.hpp"
#include "host/store/database.hpp"
#include "host/store/signal_records.hpp"

namespace wabot::store {

class SignalRepository {
 public:
  explicit SignalRepository(Database& db, Clock clock = system_clock()) : db_(db), clock_(std::move(clock)) {}

  // Remote identity keys (trust on first use is the caller's policy).
  Status save_identity(std::string_view agent_id, const SignalAddress& address, const Bytes& identity_key);
  Result<std::optional<Bytes>> load_identity(std::string_view agent_id, const SignalAddress& address);
  Result<bool> remove_identity(std::string_view agent_id, const SignalAddress& address);
  // Every device identity of one user (address name); returns how many were removed.
  Result<std::uint64_t> remove_all_identities(std::string_view agent_id, std::string_view name);

  // One-time prekeys. store_prekeys inserts or replaces all of them in one transaction.
  Status store_prekeys(std::string_view agent_id, std::span<const PreKey> prekeys);
  Result<std::optional<PreKey>> load_prekey(std::string_view agent_id, std::uint32_t key_id);
  // A prekey is removed once a peer used it; false when it was not there.
  Result<bool> remove_prekey(std::string_view agent_id, std::uint32_t key_id);
  // Marks every prekey with key_id <= up_to_key_id as uploaded; returns how many changed.
  Result<std::uint64_t> mark_prekeys_uploaded(std::string_view agent_id, std::uint32_t up_to_key_id);
  Result<std::int64_t> count_uploaded_prekeys(std::string_view agent_id);
  // The highest key id ever stored and still present (nullopt when none).
  Result<std::optional<std::uint32_t>> max_prekey_id(std::string_view agent_id);
  // Reserves `count` fresh prekey ids from the device credentials' next_prekey_id counter and returns
  // the first; ids are 1..0xFFFFFF and start again at 1 after the top. Fails when the agent has no
  // credentials. count must be 1..kMaxPreKeyBatch.
  static constexpr std::uint32_t kMaxPreKeyBatch = 10000;
  Result<std::uint32_t> reserve_prekey_ids(std::string_view agent_id, std::uint32_t count);
  // Not yet uploaded prekeys, lowest ids first; limit 1..10000.
  Result<std::vector<PreKey>> unuploaded_prekeys(std::string_view agent_id, int limit);

  // Signed prekeys. Storing the one the device credentials name also updates their copy (one
  // transaction), so DeviceCredentialsRepository and this table never disagree.
  Status store_signed_prekey(std::string_view agent_id, const SignedPreKey& key);
  Result<std::optional<SignedPreKey>> load_signed_prekey(std::string_view agent_id, std::uint32_t key_id);
  Result<std::vector<SignedPreKey>> list_signed_prekeys(std::string_view agent_id);
  Result<bool> remove_signed_prekey(std::string_view agent_id, std::uint32_t key_id);

  // Sessions (serialised session records).
  Result<std::optional<Bytes>> load_session(std::string_view agent_id, const SignalAddress& address);
  Status store_session(std::string_view agent_id, const SignalAddress& address, const Bytes& record);
  Result<bool> contains_session(std::string_view agent_id, const SignalAddress& address);
  Result<bool> remove_session(std::string_view agent_id, const SignalAddress& address);
  // Every device session of one user (address name); returns how many were removed.
  Result<std::uint64_t> remove_all_sessions(std::string_view agent_id, std::string_view name);
  // Device ids with a session for one user, ascending.
  Result<std::vector<std::int32_t>> session_device_ids(std::string_view agent_id, std::string_view name);

  // Group sender keys.
  Status store_sender_key(std::string_view agent_id, const SenderKeyName& name, const Bytes& record);
  Result<std::optional<Bytes>> load_sender_key(std::string_view agent_id, const SenderKeyName& name);
  Result<bool> remove_sender_key(std::string_view agent_id, const SenderKeyName& name);

 private:
  Database& db_;
  Clock clock_;
};

}  // namespace wabot::store
