// SPDX-License-Identifier: GPL-3.0-or-later
// DatabaseCredentialsStore: field mapping and error translation; exceptions stop here.
#include "host/store/adapters/database_credentials_store.hpp"

#include <exception>

#include "host/store/adapters/key_bytes.hpp"
#include "host/store/device_credentials_repository.hpp"

namespace wabot::store {
namespace {

using adapters::to_array;
using adapters::to_bytes;
namespace es = engine::store;

engine::Error store_error(const std::string& message) { return engine::Error(engine::ErrorCode::store, message); }

engine::Result<std::optional<es::Credentials>> from_row(const DeviceCredentials& d) {
  const std::string where = "stored credentials of agent " + d.agent_id + " are corrupt: ";
  es::Credentials c;
  auto noise_priv = to_array<32>(d.noise_private_key);
  auto noise_pub = to_array<32>(d.noise_public_key);
  auto id_priv = to_array<32>(d.identity_private_key);
  auto id_pub = to_array<32>(d.identity_public_key);
  auto spk_priv = to_array<32>(d.signed_prekey_private_key);
  auto spk_pub = to_array<32>(d.signed_prekey_public_key);
  auto spk_sig = to_array<64>(d.signed_prekey_signature);
  auto adv = to_array<32>(d.adv_secret_key);
  if (!noise_priv || !noise_pub || !id_priv || !id_pub || !spk_priv || !spk_pub || !spk_sig || !adv)
    return store_error(where + "a key has the wrong length");
  c.noise_key = {*noise_priv, *noise_pub};
  c.identity_key = {*id_priv, *id_pub};
  c.registration_id = d.registration_id;
  c.signed_pre_key.id = d.signed_prekey_id;
  c.signed_pre_key.key_pair = {*spk_priv, *spk_pub};
  c.signed_pre_key.signature = *spk_sig;
  c.adv_secret = *adv;
  if (!d.jid.empty()) {
    auto jid = engine::Jid::parse(d.jid);
    if (!jid) return store_error(where + "bad jid: " + jid.error().message);
    c.device_jid = *jid;
  }
  if (!d.lid.empty()) {
    auto lid = engine::Jid::parse(d.lid);
    if (!lid) return store_error(where + "bad lid: " + lid.error().message);
    c.lid = *lid;
  }
  c.account = d.account;
  c.push_name = d.push_name;
  c.platform = d.platform;
  c.business_name = d.business_name;
  return std::optional<es::Credentials>(std::move(c));
}

DeviceCredentials to_row(std::string_view agent_id, const es::Credentials& c) {
  DeviceCredentials d;
  d.agent_id = std::string(agent_id);
  d.registration_id = c.registration_id;
  d.noise_private_key = to_bytes(c.noise_key.private_key);
  d.noise_public_key = to_bytes(c.noise_key.public_key);
  d.identity_private_key = to_bytes(c.identity_key.private_key);
  d.identity_public_key = to_bytes(c.identity_key.public_key);
  d.signed_prekey_id = c.signed_pre_key.id;
  d.signed_prekey_private_key = to_bytes(c.signed_pre_key.key_pair.private_key);
  d.signed_prekey_public_key = to_bytes(c.signed_pre_key.key_pair.public_key);
  d.signed_prekey_signature = to_bytes(c.signed_pre_key.signature);
  d.adv_secret_key = to_bytes(c.adv_secret);
  d.jid = c.device_jid ? c.device_jid->to_string() : std::string();
  d.lid = c.lid ? c.lid->to_string() : std::string();
  d.push_name = c.push_name;
  d.platform = c.platform;
  d.business_name = c.business_name;
  d.account = c.account;
  // The prekey id counter is the store's own (DatabasePreKeyStore); save() never moves it back.
  d.next_prekey_id = 1;
  return d;
}

}  // namespace

engine::Result<std::optional<es::Credentials>> DatabaseCredentialsStore::load(std::string_view agent_id) {
  try {
    auto row = DeviceCredentialsRepository(db_).load(agent_id);
    if (!row) return store_error(row.error().message);
    if (!*row) return std::optional<es::Credentials>{};
    return from_row(**row);
  } catch (const std::exception& e) {
    return store_error("failed to load the device credentials of agent " + std::string(agent_id) + ": " + e.what());
  }
}

engine::Status DatabaseCredentialsStore::save(std::string_view agent_id, const es::Credentials& credentials) {
  try {
    auto saved = DeviceCredentialsRepository(db_).save(to_row(agent_id, credentials));
    if (!saved) return store_error(saved.error().message);
    return engine::Ok{};
  } catch (const std::exception& e) {
    return store_error("failed to save the device credentials of agent " + std::string(agent_id) + ": " + e.what());
  }
}

engine::Status DatabaseCredentialsStore::clear(std::string_view agent_id) {
  try {
    auto cleared = DeviceCredentialsRepository(db_).clear(agent_id);
    if (!cleared) return store_error(cleared.error().message);
    return engine::Ok{};
  } catch (const std::exception& e) {
    return store_error("failed to clear the device credentials of agent " + std::string(agent_id) + ": " + e.what());
  }
}

}  // namespace wabot::store
