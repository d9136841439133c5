// SPDX-License-Identifier: GPL-3.0-or-later
// DeviceCredentialsRepository: a single-row upsert (plus optional prekeys) per transaction.
#include "host/store/device_credentials_repository.hpp"

#include "host/store/clear_agent.hpp"

namespace wabot::store {
namespace {

constexpr const char* kColumns =
    "agent_id, registration_id, noise_private_key, noise_public_key, identity_private_key, identity_public_key,"
    " signed_prekey_id, signed_prekey_private_key, signed_prekey_public_key, signed_prekey_signature,"
    " adv_secret_key, jid, lid, push_name, platform, business_name, account, next_prekey_id, created_at_ms,"
    " updated_at_ms";

// Empty blobs are stored as NULL (SQLite binds a zero-length blob as NULL anyway) and read back empty.
SqlValue blob(const Bytes& b) { return b.empty() ? sql_null() : SqlValue(b); }

}  // namespace

Result<std::optional<DeviceCredentials>> DeviceCredentialsRepository::load(std::string_view agent_id) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(std::string("SELECT ") + kColumns + " FROM engine_device_credentials WHERE agent_id = $1",
                   {std::string(agent_id)});
  });
  if (!rows) return rows.error().with_context("failed to load the device credentials of agent " + std::string(agent_id));
  if (rows->empty()) return std::optional<DeviceCredentials>{};
  const Row& r = rows->front();
  DeviceCredentials d;
  d.agent_id = r.text(0);
  d.registration_id = static_cast<std::uint32_t>(r.int64(1));
  d.noise_private_key = r.bytes(2);
  d.noise_public_key = r.bytes(3);
  d.identity_private_key = r.bytes(4);
  d.identity_public_key = r.bytes(5);
  d.signed_prekey_id = static_cast<std::uint32_t>(r.int64(6));
  d.signed_prekey_private_key = r.bytes(7);
  d.signed_prekey_public_key = r.bytes(8);
  d.signed_prekey_signature = r.bytes(9);
  d.adv_secret_key = r.bytes(10);
  d.jid = r.text(11);
  d.lid = r.text(12);
  d.push_name = r.text(13);
  d.platform = r.text(14);
  d.business_name = r.text(15);
  d.account = r.bytes(16);
  d.next_prekey_id = static_cast<std::uint32_t>(r.int64(17));
  d.created_at_ms = r.int64(18);
  d.updated_at_ms = r.int64(19);
  return std::optional<DeviceCredentials>(std::move(d));
}

Status DeviceCredentialsRepository::save(const DeviceCredentials& d, std::span<const PreKey> prekeys) {
  if (d.agent_id.empty()) return make_error(ErrorCode::invalid_argument, "device credentials need an agent_id");
  const std::int64_t now = clock_();
  auto saved = db_.transaction([&](Connection& c) -> Status {
    auto upserted = c.execute(
        std::string("INSERT INTO engine_device_credentials (") + kColumns +
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)"
            " ON CONFLICT (agent_id) DO UPDATE SET registration_id = excluded.registration_id,"
            " noise_private_key = excluded.noise_private_key, noise_public_key = excluded.noise_public_key,"
            " identity_private_key = excluded.identity_private_key,"
            " identity_public_key = excluded.identity_public_key, signed_prekey_id = excluded.signed_prekey_id,"
            " signed_prekey_private_key = excluded.signed_prekey_private_key,"
            " signed_prekey_public_key = excluded.signed_prekey_public_key,"
            " signed_prekey_signature = excluded.signed_prekey_signature, adv_secret_key = excluded.adv_secret_key,"
            " jid = excluded.jid, lid = excluded.lid, push_name = excluded.push_name, platform = excluded.platform,"
            " business_name = excluded.business_name, account = excluded.account,"
            " next_prekey_id = CASE WHEN excluded.next_prekey_id > engine_device_credentials.next_prekey_id"
            " THEN excluded.next_prekey_id ELSE engine_device_credentials.next_prekey_id END,"
            " updated_at_ms = excluded.updated_at_ms",
        {d.agent_id, static_cast<std::int64_t>(d.registration_id), blob(d.noise_private_key),
         blob(d.noise_public_key), blob(d.identity_private_key), blob(d.identity_public_key),
         static_cast<std::int64_t>(d.signed_prekey_id), blob(d.signed_prekey_private_key),
         blob(d.signed_prekey_public_key), blob(d.signed_prekey_signature), blob(d.adv_secret_key), d.jid, d.lid,
         d.push_name, d.platform, d.business_name, blob(d.account), static_cast<std::int64_t>(d.next_prekey_id), now});
    if (!upserted) return upserted.error();
    auto mirrored = c.execute(
        "INSERT INTO engine_signed_prekeys (agent_id, key_id, private_key, public_key, signature, created_at_ms)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (agent_id, key_id) DO UPDATE SET"
        " private_key = excluded.private_key, public_key = excluded.public_key, signature = excluded.signature",
        {d.agent_id, static_cast<std::int64_t>(d.signed_prekey_id), blob(d.signed_prekey_private_key),
         blob(d.signed_prekey_public_key), blob(d.signed_prekey_signature), now});
    if (!mirrored) return mirrored.error().with_context("signed prekey " + std::to_string(d.signed_prekey_id));
    // Plain INSERT: prekeys saved with fresh credentials must be new; a clash aborts everything.
    for (const PreKey& k : prekeys) {
      auto inserted = c.execute(
          "INSERT INTO engine_prekeys (agent_id, key_id, private_key, public_key, uploaded, created_at_ms)"
          " VALUES ($1, $2, $3, $4, $5, $6)",
          {d.agent_id, static_cast<std::int64_t>(k.key_id), blob(k.private_key), blob(k.public_key),
           static_cast<std::int64_t>(k.uploaded ? 1 : 0), now});
      if (!inserted) return inserted.error().with_context("prekey " + std::to_string(k.key_id));
    }
    return {};
  });
  if (!saved) return saved.error().with_context("failed to save the device credentials of agent " + d.agent_id);
  return {};
}

Result<bool> DeviceCredentialsRepository::update_local_identity(std::string_view agent_id, std::uint32_t registration_id,
                                                              const Bytes& identity_private_key,
                                                              const Bytes& identity_public_key) {
  auto changed = db_.with_connection([&](Connection& c) {
    return c.execute(
        "UPDATE engine_device_credentials SET registration_id = $1, identity_private_key = $2,"
        " identity_public_key = $3, updated_at_ms = $4 WHERE agent_id = $5",
        {static_cast<std::int64_t>(registration_id), blob(identity_private_key), blob(identity_public_key), clock_(),
         std::string(agent_id)});
  });
  if (!changed)
    return changed.error().with_context("failed to save the local identity of agent " + std::string(agent_id));
  return *changed > 0;
}

Result<std::uint64_t> DeviceCredentialsRepository::clear(std::string_view agent_id) { return clear_agent(db_, agent_id); }

Result<std::vector<std::string>> DeviceCredentialsRepository::agents() {
  auto rows = db_.with_connection(
      [](Connection& c) { return c.query("SELECT agent_id FROM engine_device_credentials ORDER BY agent_id"); });
  if (!rows) return rows.error().with_context("failed to list the agents with device credentials");
  std::vector<std::string> out;
  for (const Row& r : *rows) out.push_back(r.text(0));
  return out;
}

}  // namespace wabot::store
